/**
 * The dataset format: the Arrow schema of a shard ({@link io.minietl.core.format.DatasetSchema}),
 * the shard writer and reader ({@link io.minietl.core.format.ShardWriter}, {@link
 * io.minietl.core.format.ShardReader}) for Arrow IPC files with ZSTD, LZ4_FRAME or no body
 * compression, and the summary a written shard gives for its manifest entry ({@link
 * io.minietl.core.format.ShardSummary}). Works on files, byte arrays, streams and channels; no S3.
 */
package io.minietl.core.format;
