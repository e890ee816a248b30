package io.minietl.ingest;

import io.minietl.core.error.ErrorRecord;
import io.minietl.core.error.ErrorRecordWriter;
import io.minietl.core.format.ShardSummary;
import io.minietl.core.format.ShardWriter;
import io.minietl.core.manifest.ErrorFileEntry;
import io.minietl.core.manifest.ShardCheckpoint;
import io.minietl.core.manifest.ShardEntry;
import io.minietl.core.record.Article;
import io.minietl.core.record.Provenance;
import io.minietl.core.stats.FeatureStatsAccumulator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Everything read since the last commit: the Arrow shard and the error file being written (staged
 * in local temp files, so memory does not grow with the shard size), and the Kinesis position each
 * record came from. One commit turns it into a manifest version: the files and the positions that
 * produced them, together. Not thread-safe: the processing loop owns it.
 */
final class PendingCommit implements AutoCloseable {
  private final IngestOptions options;
  private final Path stagingDir;
  private final Instant openedAt;
  private final Path shardFile;
  private final ShardWriter shardWriter;
  private final FeatureStatsAccumulator wordCounts = new FeatureStatsAccumulator();
  private final int wordCountIndex;
  private Path errorFile;
  private ErrorRecordWriter errorWriter;
  private final Map<String, String> lastSequenceByShard = new LinkedHashMap<>();
  private final Map<String, Instant> lastArrivalByShard = new LinkedHashMap<>();
  // The sub-sequence number of the last record of a shard when it is a KPL user record.
  private final Map<String, Long> lastSubSequenceByShard = new LinkedHashMap<>();
  private final Set<String> endedShards = new LinkedHashSet<>();
  private Instant minIngestion;
  private Instant maxIngestion;

  /** Stages its files in {@code stagingDir} (the run's {@link StagingDirectory}). */
  PendingCommit(IngestOptions options, Path stagingDir, Instant now) {
    this.options = options;
    this.stagingDir = stagingDir;
    this.openedAt = now;
    this.wordCountIndex = options.features().indexOf("word_count");
    try {
      this.shardFile = Files.createTempFile(stagingDir, "minietl-shard-", ".arrow");
      OutputStream out = new BufferedOutputStream(Files.newOutputStream(shardFile), 1 << 16);
      this.shardWriter =
          ShardWriter.builder()
              .output(out)
              .features(options.features())
              .compression(options.compression())
              .rowsPerBatch(options.rowsPerBatch())
              .build();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create a staging file in " + stagingDir + ": " + e.getMessage(), e);
    }
  }

  Instant openedAt() {
    return openedAt;
  }

  void addRow(Article article, Provenance provenance, long[] featureValues) {
    shardWriter.append(article, provenance, featureValues);
    if (wordCountIndex >= 0) {
      wordCounts.add(featureValues[wordCountIndex]);
    }
    Instant t = provenance.ingestionTime();
    minIngestion = minIngestion == null || t.isBefore(minIngestion) ? t : minIngestion;
    maxIngestion = maxIngestion == null || t.isAfter(maxIngestion) ? t : maxIngestion;
    lastSequenceByShard.put(provenance.shardId(), provenance.sequenceNumber());
    lastArrivalByShard.put(provenance.shardId(), provenance.approximateArrivalTime());
    lastSubSequence(provenance.shardId(), provenance.subSequenceNumber());
  }

  void addError(ErrorRecord error) {
    if (errorWriter == null) {
      try {
        errorFile = Files.createTempFile(stagingDir, "minietl-errors-", ".jsonl.gz");
        errorWriter =
            ErrorRecordWriter.gzip(
                new BufferedOutputStream(Files.newOutputStream(errorFile), 1 << 16));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create a staging file for error records", e);
      }
    }
    errorWriter.write(error);
    lastSequenceByShard.put(error.shardId(), error.sequenceNumber());
    lastArrivalByShard.put(error.shardId(), error.approximateArrivalTime());
    lastSubSequence(error.shardId(), error.subSequenceNumber());
  }

  private void lastSubSequence(String shardId, Long subSequenceNumber) {
    if (subSequenceNumber == null) {
      lastSubSequenceByShard.remove(shardId);
    } else {
      lastSubSequenceByShard.put(shardId, subSequenceNumber);
    }
  }

  /** Marks a Kinesis shard as read to its end (its checkpoint becomes closed). */
  void endShard(String shardId) {
    endedShards.add(shardId);
  }

  long rows() {
    return shardWriter.rows();
  }

  long errors() {
    return errorWriter == null ? 0 : errorWriter.records();
  }

  long estimatedBytes() {
    return shardWriter.estimatedBytes();
  }

  /** Word counts of the rows added so far (for the running average in progress lines). */
  FeatureStatsAccumulator wordCounts() {
    return wordCounts;
  }

  Set<String> endedShards() {
    return endedShards;
  }

  boolean hasEndedShards() {
    return !endedShards.isEmpty();
  }

  /** Whether committing it would change the dataset (rows, errors or a position). */
  boolean isEmpty() {
    return lastSequenceByShard.isEmpty() && endedShards.isEmpty();
  }

  /** Whether the shard should be committed now by size, rows or age. */
  boolean shouldRoll(Instant now) {
    if (isEmpty()) {
      return false;
    }
    return isFull() || !now.isBefore(openedAt.plus(options.maxShardAge())) || hasEndedShards();
  }

  /** Whether the shard reached its size or row limit (checked after every row). */
  boolean isFull() {
    return shardWriter.rows() >= options.maxShardRows()
        || shardWriter.estimatedBytes() >= options.targetShardBytes();
  }

  /** Finishes the files; what is left to do is upload them and commit a manifest. */
  Sealed seal() {
    ShardSummary summary = shardWriter.finish();
    if (errorWriter != null) {
      errorWriter.close();
    }
    Map<String, ShardCheckpoint> positions = new LinkedHashMap<>();
    // With the arrival time of the last record: a position that ages out is reported with it.
    lastSequenceByShard.forEach(
        (shard, seq) ->
            positions.put(
                shard,
                // Inside a KPL aggregate: committed up to and including that user record.
                (lastSubSequenceByShard.containsKey(shard)
                        ? ShardCheckpoint.at(seq, lastSubSequenceByShard.get(shard))
                        : ShardCheckpoint.at(seq))
                    .withArrivalTime(lastArrivalByShard.get(shard))));
    for (String shard : endedShards) {
      positions.put(
          shard,
          ShardCheckpoint.closed(lastSequenceByShard.get(shard))
              .withArrivalTime(lastArrivalByShard.get(shard)));
    }
    return new Sealed(
        summary.rows() > 0 ? shardFile : null,
        summary,
        errorWriter == null ? null : errorFile,
        errorWriter,
        positions,
        Set.copyOf(endedShards),
        minIngestion,
        maxIngestion,
        options.compression().name().toLowerCase(java.util.Locale.ROOT));
  }

  /** The sealed files and positions of one commit. */
  record Sealed(
      Path shardFile,
      ShardSummary summary,
      Path errorFile,
      ErrorRecordWriter errors,
      Map<String, ShardCheckpoint> positions,
      Set<String> endedShards,
      Instant minIngestion,
      Instant maxIngestion,
      String compression) {

    ShardEntry shardEntry(String path) {
      return ShardEntry.builder()
          .path(path)
          .summary(summary)
          .compression(compression)
          .minIngestionTime(minIngestion)
          .maxIngestionTime(maxIngestion)
          .build();
    }

    ErrorFileEntry errorEntry(String path) {
      return ErrorFileEntry.builder()
          .path(path)
          .records(errors.records())
          .bytes(errors.bytes())
          .checksum(errors.checksum())
          .countsByReason(errors.countsByReason())
          .build();
    }
  }

  /** Deletes the staging files (after upload, or when abandoned). */
  @Override
  public void close() {
    try {
      shardWriter.close();
    } catch (RuntimeException e) {
      // already finished or failed: the file is deleted below either way
    }
    if (errorWriter != null) {
      try {
        errorWriter.close();
      } catch (RuntimeException e) {
        // same
      }
    }
    deleteQuietly(shardFile);
    deleteQuietly(errorFile);
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // a leftover temp file is harmless
      }
    }
  }
}
