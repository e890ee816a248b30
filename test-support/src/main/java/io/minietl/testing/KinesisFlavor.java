package io.minietl.testing;

/**
 * The Kinesis emulator a test runs against. Both are npm packages pinned in the repository's {@code
 * package.json} and installed by the build.
 */
public enum KinesisFlavor {
  /**
   * kinesalite: fast (~3k records/s per thread) and light (~60 MB), the default. No
   * UpdateShardCount, no ChildShards, no enhanced fan-out, no 10 MB GetRecords cap; SplitShard and
   * MergeShards work. Needs CBOR off in the SDK (see {@link KinesisEmulator}).
   */
  KINESALITE,

  /**
   * kinesis-local (kinesis-mock, the engine LocalStack runs): faithful (UpdateShardCount,
   * ChildShards, ShardFilter, enhanced fan-out over HTTP/2) but slow (~200 records/s) and slower as
   * a stream grows: use a fresh stream per test and keep it under ~10k records.
   */
  KINESIS_LOCAL
}
