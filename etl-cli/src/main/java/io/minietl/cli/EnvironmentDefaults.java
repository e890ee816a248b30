package io.minietl.cli;

import java.util.IdentityHashMap;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;

/**
 * Option defaults from {@link Env} variables, and a record of which values came from where: an
 * invalid value is then reported under the variable's name, not the flag's.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {
  private final CommandContext context;
  private final Map<ArgSpec, String> used = new IdentityHashMap<>();

  EnvironmentDefaults(CommandContext context) {
    this.context = context;
  }

  @Override
  public String defaultValue(ArgSpec spec) {
    String variable = Cli.environmentVariable(spec);
    String value = variable == null ? null : context.variable(variable);
    if (value != null) {
      used.put(spec, value);
    }
    return value;
  }

  /** The variable that supplied {@code value} of {@code spec}, or null if it did not. */
  String variableOf(ArgSpec spec, String value) {
    String v = used.get(spec);
    return v != null && v.equals(value) ? Cli.environmentVariable(spec) : null;
  }
}
