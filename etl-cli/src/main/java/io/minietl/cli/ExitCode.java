package io.minietl.cli;

/**
 * The exit codes of every Mini ETL command (README, "Exit codes", is the same table). {@link Cli}
 * maps a command's outcome to one of them.
 */
public enum ExitCode {
  /** Done; also after SIGTERM/Ctrl-C when the command stopped cleanly. */
  OK(0, "ok"),
  /** A failure nobody anticipated: the message says what, {@code --verbose} adds the stack. */
  FAILED(1, "unexpected failure"),
  /** A bad flag, variable or value, or a configuration that cannot work (missing stream, ...). */
  USAGE(2, "usage or configuration error"),
  /** Another runner took over the same dataset; this one stopped without committing. */
  FENCED(3, "fenced by another runner on the same dataset");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  /** The process exit status. */
  public int code() {
    return code;
  }

  /** A few words on what the code means, as the help footer prints it. */
  public String meaning() {
    return meaning;
  }

  /** One line listing every code, for help footers: {@code 0 ok, 1 unexpected failure, ...}. */
  static String summary() {
    StringBuilder s = new StringBuilder();
    for (ExitCode c : values()) {
      s.append(s.length() == 0 ? "" : ", ").append(c.code).append(' ').append(c.meaning);
    }
    return s.toString();
  }
}
