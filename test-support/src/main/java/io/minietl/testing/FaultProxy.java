package io.minietl.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small fault-injecting HTTP/1.1 proxy for S3 on loopback: in front of s3proxy, it answers a
 * share of PUT requests with {@code 503 Slow Down} (without forwarding them) and holds another
 * share for a while before forwarding them (the client may time out and retry meanwhile, and the
 * held request is applied afterwards: an outcome reported as unknown that lands late). Every other
 * request is forwarded unchanged.
 *
 * <p>It lives outside the process under test, so that a runner killed with {@code kill -9} and
 * restarted meets the same faults (an in-process SDK interceptor dies with it): start it in a test
 * with {@link #start}, or as its own JVM with {@link #main} from the test-support jar.
 *
 * <p>How it forwards: it reads the request head, forces {@code Connection: close} and pipes the
 * rest both ways over a fresh upstream connection until the upstream closes it (one request per
 * connection). The {@code Host} header is passed unchanged, so AWS signatures made for the proxy's
 * address still verify upstream. Bodies, {@code Expect: 100-continue} and chunked encodings pass
 * through as bytes.
 *
 * <p>Decisions are drawn from a seeded random number generator, in the order requests arrive.
 * Thread safe.
 */
public final class FaultProxy implements Closeable {
  private static final int MAX_HEAD_BYTES = 64 * 1024;

  private final ServerSocket server;
  private final InetSocketAddress upstream;
  private final Settings settings;
  private final Random random;
  private final ExecutorService pool = Executors.newCachedThreadPool(FaultProxy::daemon);
  private final AtomicLong forwarded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong held = new AtomicLong();
  private final Thread acceptor;
  private volatile boolean closed;

  /** What to inject. Immutable. */
  public record Settings(double failShare, double holdShare, Duration holdTime, long seed) {
    public Settings {
      if (failShare < 0 || holdShare < 0 || failShare + holdShare > 1) {
        throw new IllegalArgumentException(
            "Invalid fault shares "
                + failShare
                + " and "
                + holdShare
                + ": each must be >= 0 and their sum <= 1");
      }
      Objects.requireNonNull(holdTime, "holdTime");
      if (holdTime.isNegative()) {
        throw new IllegalArgumentException("Invalid hold time " + holdTime + ": must be >= 0");
      }
    }

    /** No faults: every request forwarded. */
    public static Settings none() {
      return new Settings(0, 0, Duration.ZERO, 0);
    }
  }

  /** The counts so far. */
  public record Counts(long forwarded, long failed, long held) {}

  private FaultProxy(ServerSocket server, InetSocketAddress upstream, Settings settings) {
    this.server = server;
    this.upstream = upstream;
    this.settings = settings;
    this.random = new Random(settings.seed());
    this.acceptor = daemon(this::acceptLoop);
    acceptor.setName("fault-proxy-accept-" + server.getLocalPort());
    acceptor.start();
  }

  /**
   * Starts a proxy on a free loopback port (or {@code port}, if not 0) forwarding to {@code
   * upstream} ({@code http://host:port}).
   */
  public static FaultProxy start(int port, URI upstream, Settings settings) {
    Objects.requireNonNull(upstream, "upstream");
    if (!"http".equals(upstream.getScheme()) || upstream.getPort() < 0) {
      throw new IllegalArgumentException(
          "Invalid upstream " + upstream + ": must be http://host:port");
    }
    try {
      ServerSocket server = new ServerSocket(port, 128, InetAddress.getByName(LocalPorts.LOOPBACK));
      return new FaultProxy(
          server, new InetSocketAddress(upstream.getHost(), upstream.getPort()), settings);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot listen on loopback port " + port, e);
    }
  }

  /** {@code http://127.0.0.1:<port>}: where clients send their requests. */
  public URI endpoint() {
    return URI.create("http://" + LocalPorts.LOOPBACK + ":" + server.getLocalPort());
  }

  public Counts counts() {
    return new Counts(forwarded.get(), failed.get(), held.get());
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // Closing a listening socket: nothing to recover.
    }
    pool.shutdownNow();
  }

  private enum Fault {
    NONE,
    FAIL,
    HOLD
  }

  private synchronized Fault draw(String method) {
    if (!"PUT".equals(method)) {
      return Fault.NONE;
    }
    double x = random.nextDouble();
    if (x < settings.failShare()) {
      return Fault.FAIL;
    }
    if (x < settings.failShare() + settings.holdShare()) {
      return Fault.HOLD;
    }
    return Fault.NONE;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        pool.execute(() -> serve(client));
      } catch (IOException e) {
        if (!closed) {
          System.err.println("fault-proxy: accept failed: " + e);
        }
      } catch (java.util.concurrent.RejectedExecutionException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      byte[] head = readHead(in);
      if (head == null) {
        return; // the client closed an idle connection
      }
      String text = new String(head, StandardCharsets.ISO_8859_1);
      String requestLine = text.substring(0, text.indexOf("\r\n"));
      String method = requestLine.substring(0, Math.max(0, requestLine.indexOf(' ')));
      Fault fault = draw(method);
      if (fault == Fault.FAIL) {
        failed.incrementAndGet();
        log("503 " + requestLine);
        answer503(client);
        return;
      }
      if (fault == Fault.HOLD) {
        held.incrementAndGet();
        log("hold " + settings.holdTime().toMillis() + "ms " + requestLine);
        Thread.sleep(settings.holdTime().toMillis());
      }
      forwarded.incrementAndGet();
      forward(client, in, withConnectionClose(text));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // A client or upstream that went away (a killed runner, a timed-out request): its
      // connection is done; the client's retry is what recovers.
    }
  }

  private void forward(Socket client, InputStream clientIn, byte[] head) throws IOException {
    try (Socket up = new Socket()) {
      up.connect(upstream, 10_000);
      OutputStream upOut = up.getOutputStream();
      upOut.write(head);
      upOut.flush();
      CountDownLatch requestDone = new CountDownLatch(1);
      pool.execute(
          () -> {
            try {
              clientIn.transferTo(upOut);
            } catch (IOException e) {
              // The upstream closed after its answer, or the client went away.
            } finally {
              requestDone.countDown();
            }
          });
      try {
        up.getInputStream().transferTo(client.getOutputStream());
      } finally {
        client.shutdownOutput();
        // The request copier ends when the client closes or this socket does.
        up.close();
        try {
          requestDone.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static void answer503(Socket client) throws IOException {
    byte[] body =
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>"
                + "<Message>Injected by FaultProxy</Message></Error>")
            .getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: "
            + body.length
            + "\r\nConnection: close\r\n\r\n";
    OutputStream out = client.getOutputStream();
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
    client.shutdownOutput();
    // Read what the client still sends (the body, unless it waited for 100-continue) so that
    // closing does not reset the connection before it read the answer.
    client.setSoTimeout(2_000);
    try {
      client.getInputStream().transferTo(OutputStream.nullOutputStream());
    } catch (SocketTimeoutException | SocketException e) {
      // Enough: the answer was sent.
    }
  }

  /** The request head up to and including the blank line; null if the stream ends first. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(1024);
    int matched = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (head.size() == 0) {
          return null;
        }
        throw new IOException("Connection closed inside a request head");
      }
      head.write(b);
      if (head.size() > MAX_HEAD_BYTES) {
        throw new IOException("Request head longer than " + MAX_HEAD_BYTES + " bytes");
      }
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return head.toByteArray();
      }
    }
  }

  /** The head with any Connection header replaced by {@code Connection: close}. */
  private static byte[] withConnectionClose(String head) {
    StringBuilder out = new StringBuilder(head.length() + 20);
    String[] lines = head.split("\r\n", -1);
    out.append(lines[0]).append("\r\n");
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        continue;
      }
      if (line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
        continue;
      }
      out.append(line).append("\r\n");
    }
    out.append("Connection: close\r\n\r\n");
    return out.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void log(String line) {
    System.out.println("fault-proxy: " + line);
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "fault-proxy");
    t.setDaemon(true);
    return t;
  }

  /**
   * Runs a proxy until killed: {@code java -cp test-support.jar io.minietl.testing.FaultProxy
   * --upstream http://127.0.0.1:PORT [--port P] [--fail-share F] [--hold-share H] [--hold-seconds
   * S] [--seed N] [--port-file FILE] [--s3proxy-dir DIR]}. With {@code --s3proxy-dir} (instead of
   * {@code --upstream}) it also starts s3proxy on a filesystem store there, in this JVM. It prints
   * its endpoint, one line per injected fault, and writes its port to {@code --port-file} once
   * listening.
   */
  public static void main(String[] args) throws Exception {
    URI upstreamUri = null;
    Path s3Dir = null;
    Path portFile = null;
    int port = 0;
    double failShare = 0;
    double holdShare = 0;
    double holdSeconds = 10;
    long seed = System.nanoTime();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        usage("Missing value for " + flag);
      }
      String value = args[++i];
      switch (flag) {
        case "--upstream" -> upstreamUri = URI.create(value);
        case "--s3proxy-dir" -> s3Dir = Path.of(value);
        case "--port" -> port = Integer.parseInt(value);
        case "--port-file" -> portFile = Path.of(value);
        case "--fail-share" -> failShare = Double.parseDouble(value);
        case "--hold-share" -> holdShare = Double.parseDouble(value);
        case "--hold-seconds" -> holdSeconds = Double.parseDouble(value);
        case "--seed" -> seed = Long.parseLong(value);
        default -> usage("Unknown option " + flag);
      }
    }
    if ((upstreamUri == null) == (s3Dir == null)) {
      usage("Give exactly one of --upstream and --s3proxy-dir");
    }
    S3Emulator s3 = null;
    if (s3Dir != null) {
      Files.createDirectories(s3Dir);
      s3 = S3Emulator.start(s3Dir);
      upstreamUri = s3.endpoint();
      System.out.println("fault-proxy: s3proxy on " + s3Dir + " at " + upstreamUri);
    }
    Settings settings =
        new Settings(failShare, holdShare, Duration.ofMillis(Math.round(holdSeconds * 1000)), seed);
    FaultProxy proxy = start(port, upstreamUri, settings);
    System.out.println(
        "fault-proxy: listening at "
            + proxy.endpoint()
            + " -> "
            + upstreamUri
            + " (fail share "
            + failShare
            + ", hold share "
            + holdShare
            + " for "
            + holdSeconds
            + " s, seed "
            + seed
            + ")");
    if (portFile != null) {
      Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
      Files.writeString(tmp, Integer.toString(proxy.endpoint().getPort()));
      Files.move(tmp, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    S3Emulator started = s3;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  Counts c = proxy.counts();
                  System.out.println(
                      "fault-proxy: forwarded "
                          + c.forwarded()
                          + ", failed "
                          + c.failed()
                          + ", held "
                          + c.held());
                  proxy.close();
                  if (started != null) {
                    started.close();
                  }
                }));
    // Serve until the process is stopped (SIGTERM runs the hook above).
    new CountDownLatch(1).await();
  }

  private static void usage(String problem) {
    System.err.println(
        "fault-proxy: "
            + problem
            + "\nUsage: FaultProxy (--upstream http://127.0.0.1:PORT | --s3proxy-dir DIR) [--port P]"
            + " [--fail-share F] [--hold-share H] [--hold-seconds S] [--seed N] [--port-file FILE]");
    System.exit(2);
  }
}
