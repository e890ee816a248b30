package io.minietl.cli;

import picocli.CommandLine.Option;

/** {@code --verbose}, which {@link Cli} adds to every command. */
final class VerboseOption {
  static final String FLAG = "--verbose";
  static final String VARIABLE = "MINIETL_VERBOSE";

  @Option(names = FLAG, description = "Print the stack trace of an error.")
  @Env(VARIABLE)
  boolean verbose;
}
