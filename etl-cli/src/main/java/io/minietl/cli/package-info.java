/**
 * What every Mini ETL command line shares, on top of picocli: the {@link io.minietl.cli.ExitCode}
 * table, typed {@link io.minietl.cli.Converters} for sizes and durations, defaults from environment
 * variables ({@link io.minietl.cli.Env}) shown in each command's {@code --help}, {@code --version}
 * from the build, {@code --verbose} and the error output ({@link io.minietl.cli.Cli}).
 *
 * <p>A command is one picocli {@code @Command} class implementing {@code Callable<Integer>}, listed
 * in its parent's {@code subcommands}; a constructor taking a {@link io.minietl.cli.CommandContext}
 * gives it the environment and the output streams. Only entry points read the process environment
 * ({@link io.minietl.cli.CommandContext#ofProcess()}); tests pass their own.
 */
package io.minietl.cli;
