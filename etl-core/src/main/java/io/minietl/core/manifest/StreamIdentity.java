package io.minietl.core.manifest;

import java.time.Instant;
import java.util.Objects;

/**
 * Which Kinesis stream a checkpoint belongs to: its ARN and its creation time. The ARN alone is not
 * enough: a stream deleted and created again under the same name has the same ARN, new shards that
 * reuse the old shard ids, and none of the old records, so a checkpoint of the old one would skip
 * the new one's shards that it knows as closed. Recorded in every manifest since format version 2;
 * a writer compares it with the stream it reads before continuing a dataset. Immutable.
 */
public final class StreamIdentity {
  private final String arn;
  private final Instant creationTime;

  private StreamIdentity(String arn, Instant creationTime) {
    this.arn = Checks.nonBlank(arn, "stream ARN");
    this.creationTime = Objects.requireNonNull(creationTime, "stream creation time");
  }

  /** The stream {@code arn} created at {@code creationTime} (Kinesis' StreamCreationTimestamp). */
  public static StreamIdentity of(String arn, Instant creationTime) {
    return new StreamIdentity(arn, creationTime);
  }

  /** The stream's ARN, e.g. {@code arn:aws:kinesis:us-east-1:123456789012:stream/articles}. */
  public String arn() {
    return arn;
  }

  /** When the stream was created. */
  public Instant creationTime() {
    return creationTime;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof StreamIdentity)) {
      return false;
    }
    StreamIdentity that = (StreamIdentity) o;
    return arn.equals(that.arn) && creationTime.equals(that.creationTime);
  }

  @Override
  public int hashCode() {
    return Objects.hash(arn, creationTime);
  }

  /** {@code arn (created creationTime)}, as messages show it. */
  @Override
  public String toString() {
    return arn + " (created " + creationTime + ")";
  }
}
