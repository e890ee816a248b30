package io.minietl.s3;

import io.minietl.core.storage.ObjectInfo;
import io.minietl.core.storage.ObjectStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link ObjectStore} over a synchronous AWS SDK v2 {@link S3Client}, rooted at {@code
 * s3://bucket/prefix}: key {@code k} is the object {@code prefix/k}. Works against S3, LocalStack
 * and s3proxy 4 (conditional writes are real there; s3proxy 2 ignores them).
 *
 * <p><b>Retries.</b> Transient failures (5xx, throttling, I/O errors, timeouts) are retried by the
 * client's retry policy (see {@code AwsClients}); what still fails escapes as the SDK's unchecked
 * exception, except that a missing bucket or denied access becomes {@link S3AccessException}.
 *
 * <p><b>{@link #putIfAbsent}</b> is a PutObject with {@code If-None-Match: *}:
 *
 * <ul>
 *   <li>success: {@code CREATED}.
 *   <li>412 Precondition Failed: the key exists. If this was the call's first attempt, {@code
 *       ALREADY_EXISTS}. If an earlier attempt of the same call may have been applied (the SDK
 *       retried after a timeout, or a 409 followed one), the 412 may be our own write: the object
 *       is read back, and the same bytes mean {@code CREATED}, other bytes {@code ALREADY_EXISTS}
 *       (a failed read: {@code UNKNOWN}). Commit payloads are unique per writer, so equal bytes are
 *       this writer's.
 *   <li>409 ConditionalRequestConflict (S3 sends it while another conditional write on the key is
 *       in flight): <em>not</em> mapped to {@code ALREADY_EXISTS}, because neither write may have
 *       won yet (the other may still fail), and a writer that wrongly believes it lost stops or
 *       redoes work. The put is re-issued after a short jittered backoff, up to {@value
 *       #CONFLICT_ATTEMPTS} times; if it still conflicts, {@code UNKNOWN} (the caller reads back).
 *   <li>5xx or I/O error or timeout left after the SDK's retries: {@code UNKNOWN}.
 *   <li>anything else (403, a missing bucket, 400): thrown.
 * </ul>
 *
 * <p>Thread safe (the client is). The client is not closed by this class.
 */
public final class S3ObjectStore implements ObjectStore {
  /** How many times {@link #putIfAbsent} issues the put while it gets 409 Conflict. */
  static final int CONFLICT_ATTEMPTS = 6;

  private static final long CONFLICT_BACKOFF_MILLIS = 50;

  private final S3Client client;
  private final String bucket;
  private final String prefix;
  private final int pageSize;

  S3ObjectStore(S3Client client, String bucket, String prefix, int pageSize) {
    this.client = Objects.requireNonNull(client, "client");
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    if (pageSize < 1 || pageSize > 1000) {
      throw new IllegalArgumentException("Invalid page size " + pageSize + ": must be 1..1000");
    }
    this.pageSize = pageSize;
  }

  /**
   * A store for the dataset at {@code datasetUri} ({@code s3://bucket} or {@code
   * s3://bucket/prefix}, a trailing slash optional). Makes no call: see {@link #checkAccess()}.
   *
   * @throws IllegalArgumentException if the URI is not of that form
   */
  public static S3ObjectStore create(S3Client client, URI datasetUri) {
    Location location = parse(datasetUri);
    return new S3ObjectStore(client, location.bucket(), location.prefix(), 1000);
  }

  /** The bucket and key prefix (no leading or trailing slash; empty for the bucket root). */
  record Location(String bucket, String prefix) {}

  static Location parse(URI uri) {
    Objects.requireNonNull(uri, "datasetUri");
    String authority = uri.getRawAuthority();
    if (!"s3".equals(uri.getScheme())
        || uri.isOpaque()
        || authority == null
        || authority.isEmpty()
        || uri.getRawUserInfo() != null
        || uri.getPort() != -1
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw invalid(uri, null);
    }
    if (!authority.matches("[a-z0-9][a-z0-9._-]{0,254}")) {
      throw invalid(uri, "bad bucket name " + authority);
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    String prefix = path.replaceAll("^/+", "").replaceAll("/+$", "");
    if (Arrays.asList(prefix.split("/", -1)).contains("") && !prefix.isEmpty()) {
      throw invalid(uri, "empty path segment");
    }
    return new Location(authority, prefix);
  }

  private static IllegalArgumentException invalid(URI uri, String detail) {
    return new IllegalArgumentException(
        "Invalid dataset URI "
            + uri
            + ": expected s3://bucket/prefix"
            + (detail == null ? "" : " (" + detail + ")"));
  }

  /** The bucket name. */
  public String bucket() {
    return bucket;
  }

  /** The key prefix of the dataset root, without slashes at either end; empty for the bucket. */
  public String prefix() {
    return prefix;
  }

  @Override
  public String location() {
    return prefix.isEmpty() ? "s3://" + bucket : "s3://" + bucket + "/" + prefix;
  }

  /**
   * Checks that the bucket exists and these credentials may use it (a one-key LIST under the
   * prefix), for a clear message before anything runs.
   *
   * @throws S3AccessException "Cannot access bucket X: does not exist / access denied / ..."
   */
  @Override
  public void checkAccess() {
    try {
      // A one-key LIST under the dataset prefix rather than HeadBucket: HeadBucket needs
      // s3:ListBucket on the whole bucket, this works with a policy limited to the prefix
      // (docs/iam-policy.json), and it is the permission the runner needs anyway.
      String root = prefix.isEmpty() ? "" : prefix + "/";
      client.listObjectsV2(b -> b.bucket(bucket).prefix(root).maxKeys(1));
    } catch (S3Exception e) {
      String reason =
          switch (e.statusCode()) {
            case 404 -> "it does not exist (create it, or check the dataset URI and the region)";
            case 403 -> "access denied (check the credentials and the bucket policy)";
            case 301 -> "it is in another region (set AWS_REGION to the bucket's region)";
            default -> "HTTP " + e.statusCode() + " " + e.getMessage();
          };
      throw new S3AccessException(
          "Cannot access bucket " + bucket + " " + where() + ": " + reason, e);
    } catch (SdkClientException e) {
      throw new S3AccessException(
          "Cannot access bucket "
              + bucket
              + " "
              + where()
              + ": S3 unreachable (check the endpoint: --endpoint, AWS_ENDPOINT_URL_S3 or"
              + " AWS_ENDPOINT_URL); the cause says where it tried",
          e);
    }
  }

  @Override
  public void put(String key, byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    String k = objectKey(key);
    run(() -> client.putObject(b -> b.bucket(bucket).key(k), RequestBody.fromBytes(bytes)));
  }

  @Override
  public void put(String key, Path file) {
    Objects.requireNonNull(file, "file");
    String k = objectKey(key);
    run(() -> client.putObject(b -> b.bucket(bucket).key(k), RequestBody.fromFile(file)));
  }

  @Override
  public PutResult putIfAbsent(String key, byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    PutObjectRequest request =
        PutObjectRequest.builder().bucket(bucket).key(objectKey(key)).ifNoneMatch("*").build();
    // Whether an earlier attempt of this call may have been applied (then a 412 may be our own).
    boolean mayHaveWritten = false;
    for (int attempt = 1; attempt <= CONFLICT_ATTEMPTS; attempt++) {
      try {
        client.putObject(request, RequestBody.fromBytes(bytes));
        return PutResult.CREATED;
      } catch (S3Exception e) {
        mayHaveWritten |= e.numAttempts() == null || e.numAttempts() > 1;
        int status = e.statusCode();
        if (status == 412) {
          return mayHaveWritten ? readBack(key, bytes) : PutResult.ALREADY_EXISTS;
        } else if (status == 409) {
          if (!backOff(attempt)) {
            return PutResult.UNKNOWN;
          }
        } else if (status >= 500 || status == 429) {
          return PutResult.UNKNOWN;
        } else {
          throw translate(e);
        }
      } catch (SdkClientException e) {
        // I/O error or timeout after the SDK's retries: the request may have been applied.
        return PutResult.UNKNOWN;
      }
    }
    return PutResult.UNKNOWN;
  }

  /** After a 412 that may be our own earlier attempt: equal content means we created it. */
  private PutResult readBack(String key, byte[] bytes) {
    try {
      Optional<byte[]> found = get(key);
      if (found.isEmpty()) {
        return PutResult.UNKNOWN;
      }
      return Arrays.equals(found.get(), bytes) ? PutResult.CREATED : PutResult.ALREADY_EXISTS;
    } catch (SdkException e) {
      return PutResult.UNKNOWN;
    }
  }

  /** Sleeps before re-issuing a conflicted put; false if interrupted (flag kept). */
  private static boolean backOff(int attempt) {
    long cap = CONFLICT_BACKOFF_MILLIS << Math.min(attempt - 1, 4);
    try {
      Thread.sleep(cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public Optional<byte[]> get(String key) {
    String k = objectKey(key);
    try {
      return Optional.of(client.getObjectAsBytes(b -> b.bucket(bucket).key(k)).asByteArrayUnsafe());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && !isNoSuchBucket(e)) {
        return Optional.empty();
      }
      throw translate(e);
    }
  }

  /** One GET with an HTTP {@code Range} header; 416 (offset past the end) gives no bytes. */
  @Override
  public Optional<byte[]> getRange(String key, long offset, int length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "Invalid range: offset " + offset + ", length " + length + " (both must be >= 0)");
    }
    if (length == 0) {
      return get(key).map(b -> new byte[0]);
    }
    String k = objectKey(key);
    String range = "bytes=" + offset + "-" + (offset + length - 1);
    try {
      return Optional.of(
          client.getObjectAsBytes(b -> b.bucket(bucket).key(k).range(range)).asByteArrayUnsafe());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 416) {
        return Optional.of(new byte[0]);
      }
      if (e.statusCode() == 404 && !isNoSuchBucket(e)) {
        return Optional.empty();
      }
      throw translate(e);
    }
  }

  @Override
  public List<ObjectInfo> list(String keyPrefix, String startAfter) {
    Objects.requireNonNull(keyPrefix, "prefix");
    String root = prefix.isEmpty() ? "" : prefix + "/";
    ListObjectsV2Request.Builder request =
        ListObjectsV2Request.builder().bucket(bucket).prefix(root + keyPrefix).maxKeys(pageSize);
    if (startAfter != null) {
      request.startAfter(root + startAfter);
    }
    List<ObjectInfo> objects = new ArrayList<>();
    run(
        () -> {
          for (S3Object object : client.listObjectsV2Paginator(request.build()).contents()) {
            objects.add(
                new ObjectInfo(
                    object.key().substring(root.length()), object.size(), object.lastModified()));
          }
        });
    return objects;
  }

  @Override
  public void delete(String key) {
    String k = objectKey(key);
    run(() -> client.deleteObject(b -> b.bucket(bucket).key(k)));
  }

  @Override
  public String toString() {
    return "S3ObjectStore[" + location() + "]";
  }

  /** The S3 key of {@code key}, which is relative to the dataset root. */
  String objectKey(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty() || key.startsWith("/")) {
      throw new IllegalArgumentException(
          "Invalid key '" + key + "': must be relative to " + location() + " and not empty");
    }
    return prefix.isEmpty() ? key : prefix + "/" + key;
  }

  private void run(Runnable call) {
    try {
      call.run();
    } catch (S3Exception e) {
      throw translate(e);
    }
  }

  private RuntimeException translate(S3Exception e) {
    if (isNoSuchBucket(e)) {
      return new S3AccessException(
          "Cannot access bucket " + bucket + " " + where() + ": it does not exist", e);
    }
    if (e.statusCode() == 403) {
      return new S3AccessException(
          "Cannot access bucket "
              + bucket
              + " "
              + where()
              + ": access denied (check the credentials and the bucket policy)",
          e);
    }
    return e;
  }

  private static boolean isNoSuchBucket(S3Exception e) {
    return e instanceof NoSuchBucketException
        || (e.awsErrorDetails() != null && "NoSuchBucket".equals(e.awsErrorDetails().errorCode()));
  }

  private String where() {
    var config = client.serviceClientConfiguration();
    String region = config.region() == null ? "?" : config.region().id();
    return config
        .endpointOverride()
        .map(uri -> "at " + uri + " (region " + region + ")")
        .orElse("in region " + region);
  }
}
