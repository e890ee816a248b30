package io.minietl.ingest.cli;

/** Placeholder entry point of {@code etl-ingest.jar}; replaced by the real CLI. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("placeholder");
  }
}
