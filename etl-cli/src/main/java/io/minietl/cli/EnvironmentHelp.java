package io.minietl.cli;

import java.util.Arrays;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * picocli's help with one more line under each option that has an {@link Env} variable or a
 * default: {@code Env MINIETL_X, default 64MiB.} The default shown is the declared one, not what
 * the current environment would make it, so that the help reads the same everywhere.
 */
final class EnvironmentHelp extends Help {
  EnvironmentHelp(CommandSpec spec, ColorScheme scheme) {
    super(spec, scheme);
  }

  @Override
  public IOptionRenderer createDefaultOptionRenderer() {
    IOptionRenderer standard = super.createDefaultOptionRenderer();
    return (option, labels, scheme) -> {
      Ansi.Text[][] rows = standard.render(option, labels, scheme);
      String note = note(option);
      if (note == null || rows.length == 0) {
        return rows;
      }
      Ansi.Text[] extra = new Ansi.Text[rows[0].length];
      Arrays.fill(extra, scheme.text(""));
      extra[extra.length - 1] = scheme.text(note);
      Ansi.Text[][] result = Arrays.copyOf(rows, rows.length + 1);
      result[rows.length] = extra;
      return result;
    };
  }

  /** {@code Env X, default Y.}, either part alone, or null. */
  static String note(OptionSpec option) {
    String variable = Cli.environmentVariable(option);
    String defaultValue = option.usageHelp() || option.versionHelp() ? null : option.defaultValue();
    if (variable == null && defaultValue == null) {
      return null;
    }
    if (variable == null) {
      return "Default " + defaultValue + ".";
    }
    return "Env " + variable + (defaultValue == null ? "." : ", default " + defaultValue + ".");
  }
}
