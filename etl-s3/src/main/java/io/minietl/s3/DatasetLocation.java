package io.minietl.s3;

import io.minietl.core.storage.LocalObjectStore;
import io.minietl.core.storage.ObjectStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Where a dataset lives, as its users write it: {@code s3://bucket/prefix}, {@code
 * file:///path/to/dataset}, or a bare file-system path ({@code /data/articles}, {@code
 * ./articles}). The one place that turns such a string into an {@link ObjectStore}: the runner,
 * {@code stats}, {@code gc}, the training reader and the examples all go through {@link
 * #parse(String)} and {@link #open(Supplier)}.
 *
 * <p>An S3 location opens an {@link S3ObjectStore}; a local one a {@link LocalObjectStore}, which
 * needs no AWS configuration at all (the S3 client supplier is not called). A relative path is
 * resolved against the working directory when parsed, so the location means the same thing wherever
 * it is passed afterwards.
 *
 * <p>Immutable and thread safe.
 */
public final class DatasetLocation {
  private final URI uri;
  private final Path path;

  private DatasetLocation(URI uri, Path path) {
    this.uri = uri;
    this.path = path;
  }

  /**
   * Parses a dataset location. Anything with {@code ://} is a URI and must be {@code s3://} or
   * {@code file://} (empty or {@code localhost} host, absolute path); anything else is a path.
   *
   * @throws IllegalArgumentException "Invalid dataset ...: expected s3://bucket/prefix,
   *     file:///path or a directory path", naming the value
   */
  public static DatasetLocation parse(String text) {
    Objects.requireNonNull(text, "dataset");
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      throw invalid(text, "empty");
    }
    if (!trimmed.contains("://")) {
      try {
        return local(Path.of(trimmed));
      } catch (InvalidPathException e) {
        throw invalid(text, e.getReason());
      }
    }
    URI uri;
    try {
      uri = new URI(trimmed);
    } catch (URISyntaxException e) {
      throw invalid(text, e.getReason());
    }
    return of(uri, text);
  }

  /**
   * The location of {@code uri} ({@code s3://bucket/prefix} or {@code file:///path}).
   *
   * @throws IllegalArgumentException if it is neither
   */
  public static DatasetLocation of(URI uri) {
    Objects.requireNonNull(uri, "dataset");
    return of(uri, uri.toString());
  }

  private static DatasetLocation of(URI uri, String text) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme();
    switch (scheme) {
      case "s3":
        try {
          S3ObjectStore.Location l = S3ObjectStore.parse(uri);
          return new DatasetLocation(
              URI.create("s3://" + l.bucket() + (l.prefix().isEmpty() ? "" : "/" + l.prefix())),
              null);
        } catch (IllegalArgumentException e) {
          throw invalid(text, detail(e.getMessage()));
        }
      case "file":
        String host = uri.getRawAuthority();
        if (uri.isOpaque()
            || (host != null && !host.isEmpty() && !host.equals("localhost"))
            || uri.getRawQuery() != null
            || uri.getRawFragment() != null
            || uri.getPath() == null
            || !uri.getPath().startsWith("/")) {
          throw invalid(text, "a file URI has no host and an absolute path: file:///path");
        }
        try {
          return local(Path.of(uri.getPath()));
        } catch (InvalidPathException e) {
          throw invalid(text, e.getReason());
        }
      default:
        throw invalid(text, "unknown scheme " + scheme);
    }
  }

  /** The location of the dataset in directory {@code directory}. */
  public static DatasetLocation local(Path directory) {
    Objects.requireNonNull(directory, "directory");
    Path absolute = directory.toAbsolutePath().normalize();
    return new DatasetLocation(URI.create(LocalObjectStore.create(absolute).location()), absolute);
  }

  /** True for a directory on the local file system, false for S3. */
  public boolean isLocal() {
    return path != null;
  }

  /**
   * The normalized URI: {@code s3://bucket/prefix} (no trailing slash) or {@code
   * file:///absolute/path}.
   */
  public URI uri() {
    return uri;
  }

  /**
   * A store for this location. Makes no call (see {@link ObjectStore#checkAccess()}). {@code s3} is
   * called once for an S3 location and never for a local one; the caller owns (closes) the client
   * it returns.
   */
  public ObjectStore open(Supplier<? extends S3Client> s3) {
    Objects.requireNonNull(s3, "s3");
    if (path != null) {
      return LocalObjectStore.create(path);
    }
    return S3ObjectStore.create(Objects.requireNonNull(s3.get(), "S3 client"), uri);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DatasetLocation other && uri.equals(other.uri);
  }

  @Override
  public int hashCode() {
    return uri.hashCode();
  }

  /** The normalized URI. */
  @Override
  public String toString() {
    return uri.toString();
  }

  private static String detail(String message) {
    int open = message.lastIndexOf(" (");
    return open >= 0 && message.endsWith(")")
        ? message.substring(open + 2, message.length() - 1)
        : null;
  }

  private static IllegalArgumentException invalid(String text, String detail) {
    return new IllegalArgumentException(
        "Invalid dataset "
            + text
            + ": expected s3://bucket/prefix, file:///path or a directory path"
            + (detail == null ? "" : " (" + detail + ")"));
  }
}
