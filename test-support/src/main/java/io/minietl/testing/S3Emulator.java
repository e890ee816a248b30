package io.minietl.testing;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * s3proxy 4 in this JVM on a free loopback port, with AWS V2/V4 signatures checked against static
 * credentials, and an {@link S3Client} configured for it (path-style addressing).
 *
 * <p>Conditional writes are real: a PUT with {@code If-None-Match: *} on an existing key and a PUT
 * with a stale {@code If-Match} ETag get 412 Precondition Failed and leave the object as it was.
 * (s3proxy 2.x ignored these headers: do not downgrade.)
 *
 * <p>The store is in memory ({@link #start()}) or a directory ({@link #start(Path)}). s3proxy's
 * Jetty threads are not daemons: close the emulator (the JUnit extension does) or the JVM does not
 * exit. Thread safe.
 */
public final class S3Emulator implements AutoCloseable {
  public static final String ACCESS_KEY_ID = "test";
  public static final String SECRET_ACCESS_KEY = "test";
  public static final Region REGION = Region.US_EAST_1;

  private static final AtomicLong NAMES = new AtomicLong();

  private final S3Proxy proxy;
  private final BlobStore store;
  private final URI endpoint;
  private final Duration startupTime;
  private final S3Client client;

  private S3Emulator(S3Proxy proxy, BlobStore store, URI endpoint, Duration startupTime) {
    this.proxy = proxy;
    this.store = store;
    this.endpoint = endpoint;
    this.startupTime = startupTime;
    this.client = clientBuilder().build();
  }

  /** Starts s3proxy on an in-memory store. */
  public static S3Emulator start() {
    return start(new TransientNio2BlobStore());
  }

  /**
   * Starts s3proxy on a filesystem store under {@code directory} (one subdirectory per bucket), for
   * data larger than the heap should hold or to inspect the objects after a test.
   */
  public static S3Emulator start(Path directory) {
    return start(new FilesystemNio2BlobStore(directory.toAbsolutePath().toString()));
  }

  private static S3Emulator start(BlobStore store) {
    long started = System.nanoTime();
    // Port 0: Jetty binds a free port itself, so no other process can take it first.
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(store)
            .endpoint(URI.create("http://" + LocalPorts.LOOPBACK + ":0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY_ID, SECRET_ACCESS_KEY)
            .build();
    try {
      proxy.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!"STARTED".equals(proxy.getState())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "Cannot start s3proxy: state " + proxy.getState() + " after 30 s");
        }
        Thread.sleep(10);
      }
      URI endpoint = URI.create("http://" + LocalPorts.LOOPBACK + ":" + proxy.getPort());
      return new S3Emulator(proxy, store, endpoint, Duration.ofNanos(System.nanoTime() - started));
    } catch (Exception e) {
      stopQuietly(proxy, store);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("Cannot start s3proxy: " + e, e);
    }
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return endpoint;
  }

  public int port() {
    return proxy.getPort();
  }

  /** From building s3proxy to state STARTED. */
  public Duration startupTime() {
    return startupTime;
  }

  /** A client for this emulator, shared, closed with it: do not close it. */
  public S3Client client() {
    return client;
  }

  /**
   * A client builder with the endpoint, region, credentials and path-style addressing set, to add
   * interceptors (fault injection) or timeouts. The caller closes what it builds.
   */
  public S3ClientBuilder clientBuilder() {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(REGION)
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)));
  }

  /**
   * The environment a child process needs to reach this emulator through the standard AWS
   * configuration: {@code AWS_ENDPOINT_URL_S3}, {@code AWS_REGION} and static credentials.
   */
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_ENDPOINT_URL_S3", endpoint.toString());
    env.put("AWS_REGION", REGION.id());
    env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID);
    env.put("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY);
    return env;
  }

  /** A bucket name no other call in this JVM returns (lower case, at most 63 characters). */
  public static String uniqueBucketName(String prefix) {
    String clean = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    if (clean.length() > 40) {
      clean = clean.substring(0, 40);
    }
    return clean
        + "-"
        + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36)
        + "-"
        + NAMES.incrementAndGet();
  }

  /** Creates a bucket with a unique name; returns the name. */
  public String createBucket() {
    return createBucket(uniqueBucketName("test"));
  }

  /** Creates the bucket; returns its name. */
  public String createBucket(String name) {
    client.createBucket(b -> b.bucket(name));
    return name;
  }

  /** Stops s3proxy (and its non-daemon threads), closes the store and the shared client. */
  @Override
  public void close() {
    try {
      client.close();
    } finally {
      stopQuietly(proxy, store);
    }
  }

  @Override
  public String toString() {
    return "s3proxy at " + endpoint;
  }

  private static void stopQuietly(S3Proxy proxy, BlobStore store) {
    try {
      proxy.stop();
    } catch (Exception e) {
      // Stopping a proxy that failed to start may throw: nothing left to stop.
    } finally {
      store.close();
    }
  }
}
