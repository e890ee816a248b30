package io.minietl.cli;

/**
 * Bad usage or configuration that the user fixes: {@link Cli} prints the message as one line (the
 * cause's message on the next) and exits with {@link ExitCode#USAGE}. The message names the flag or
 * variable, the bad value and what is accepted.
 */
public class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }

  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
