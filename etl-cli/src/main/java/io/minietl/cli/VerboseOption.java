package io.minietl.cli;

import picocli.CommandLine.Option;

/**
 * {@code --verbose}, which {@link Cli} adds to every command. A command that needs the setting
 * itself (to print more than the error's stack, e.g. the stacks of retried failures) declares it as
 * {@code @Mixin VerboseOption verbose;} and asks {@link #verbose()}.
 */
public final class VerboseOption {
  static final String FLAG = "--verbose";
  static final String VARIABLE = "MINIETL_VERBOSE";

  @Option(names = FLAG, description = "Print the stack trace of an error.")
  @Env(VARIABLE)
  boolean verbose;

  /** Whether {@code --verbose} or {@code MINIETL_VERBOSE} (1, true or yes) was given. */
  public boolean verbose() {
    return verbose;
  }
}
