package io.minietl.ingest;

import io.minietl.core.stats.FeatureStats;
import java.time.Duration;

/**
 * What one {@link IngestRunner#run()} did: records read (rows written plus error records), the
 * dataset's manifest version and cumulative word-count statistics at the end, and how long it took.
 */
public record RunSummary(
    long recordsRead,
    long rowsWritten,
    long errorRecords,
    long warnings,
    long commits,
    long manifestVersion,
    FeatureStats datasetWordCount,
    Duration elapsed) {}
