package io.minietl.ingest;

import io.minietl.kinesis.aws.AwsClients;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the fetcher threads tell the processing loop besides records: notices to print once (a gap
 * in a shard's data), a fatal error that must stop the run, and failures being retried. Retried
 * failures are counted per cause and printed as one line per cause per progress interval, never a
 * line (or a stack trace) per retry: a failure that repeats all night must not flood the log.
 * Thread-safe.
 */
final class RunnerEvents {
  private final Queue<String> notices = new ConcurrentLinkedQueue<>();
  private final AtomicReference<RuntimeException> fatal = new AtomicReference<>();
  private final Map<String, Cause> causes = new LinkedHashMap<>();

  /** One cause of retried failures since the last {@link #drainFailures}. */
  private static final class Cause {
    long count;
    Instant first;
    Throwable last;
  }

  /** A line to print once, as soon as the loop gets to it. */
  void notice(String line) {
    notices.add(line);
  }

  /** Stops the run with {@code e} (the first one wins). */
  void fatal(RuntimeException e) {
    fatal.compareAndSet(null, e);
  }

  /** The fatal error, if a fetcher reported one. */
  RuntimeException fatal() {
    return fatal.get();
  }

  /** A failure that will be retried: {@code where} (shard and call) and the exception. */
  synchronized void failure(String where, Throwable e, Instant at) {
    Cause c = causes.computeIfAbsent(where + ": " + describe(e), k -> new Cause());
    if (c.count++ == 0) {
      c.first = at;
    }
    c.last = e;
  }

  List<String> drainNotices() {
    List<String> out = new ArrayList<>();
    for (String n; (n = notices.poll()) != null; ) {
      out.add(n);
    }
    return out;
  }

  /**
   * One line per cause of the failures since the last call, with its count and first time; with
   * {@code verbose}, the last exception's stack trace follows each line. Resets the counts.
   */
  synchronized List<String> drainFailures(boolean verbose) {
    List<String> out = new ArrayList<>();
    causes.forEach(
        (cause, c) -> {
          out.add(
              "retrying: "
                  + cause
                  + " ("
                  + c.count
                  + "x since "
                  + c.first
                  + ")"
                  + AwsClients.hint(c.last).map(h -> "; " + h).orElse(""));
          if (verbose) {
            java.io.StringWriter w = new java.io.StringWriter();
            c.last.printStackTrace(new java.io.PrintWriter(w));
            out.add(w.toString().stripTrailing());
          }
        });
    causes.clear();
    return out;
  }

  /**
   * The cause of a failure without what changes from one occurrence to the next (request ids,
   * counters), so repeats of one cause count together: the exception's class and its message with
   * digit runs replaced by {@code #}, cut at 200 characters.
   */
  static String describe(Throwable e) {
    String message = e.getMessage() == null ? "" : e.getMessage().replaceAll("[0-9]+", "#");
    int nl = message.indexOf('\n');
    if (nl >= 0) {
      message = message.substring(0, nl);
    }
    if (message.length() > 200) {
      message = message.substring(0, 200) + "...";
    }
    return e.getClass().getSimpleName() + (message.isEmpty() ? "" : " " + message);
  }
}
