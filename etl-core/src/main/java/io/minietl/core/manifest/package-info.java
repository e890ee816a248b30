/**
 * The dataset's commit log: one {@link io.minietl.core.manifest.Manifest} per version, stored as
 * {@code _manifest/v<20-digit version>.json} beside the {@code data/} shards and {@code errors/}
 * files it lists.
 *
 * <ul>
 *   <li>{@link io.minietl.core.manifest.ShardEntry}, {@link
 *       io.minietl.core.manifest.ErrorFileEntry} and {@link
 *       io.minietl.core.manifest.ShardCheckpoint}: what a manifest holds;
 *   <li>{@link io.minietl.core.manifest.ManifestParser}: the JSON format (versioned, tested against
 *       committed fixtures of every format version);
 *   <li>{@link io.minietl.core.manifest.ManifestPaths}: the object-key layout;
 *   <li>{@link io.minietl.core.manifest.DatasetState}: replay and the next version, with the commit
 *       contract (conditional PUT of version V+1) in its Javadoc.
 * </ul>
 *
 * <p>No I/O here: callers move bytes to and from S3 (or files, or a Flink committer).
 */
package io.minietl.core.manifest;
