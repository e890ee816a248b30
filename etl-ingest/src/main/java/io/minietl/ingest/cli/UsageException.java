package io.minietl.ingest.cli;

/** Bad configuration: the CLI prints the message as one line and exits with code 2. */
final class UsageException extends RuntimeException {
  UsageException(String message) {
    super(message);
  }

  UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
