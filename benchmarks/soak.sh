#!/usr/bin/env bash
# The soak of issue 10 (docs/RELIABILITY.md): for --minutes, on kinesalite, a producer keeps
# writing articles (a share malformed, a share KPL-aggregated, a few aggregates corrupt), the
# runner (java -jar etl-ingest.jar run) is killed with SIGKILL at random intervals and restarted,
# a SplitShard or MergeShards comes every --reshard-seconds, S3 is reached through test-support's
# FaultProxy (a share of PUTs answered 503, a share held, then forwarded) in front of s3proxy, and
# a training-reader in follow mode reads along. Then a last run drains the stream and the harness
# checks: every record put is in the dataset exactly once (rows and error records, by shard,
# sequence number and sub-sequence number), the average word count is the one put, the reader saw
# every committed row once. Prints one line of figures; exits 1 if a check fails.
# Method: io.minietl.ingest.SoakHarness's Javadoc.
#
# Usage: benchmarks/soak.sh [--minutes M] [--seed N] [--rate R] [--shards S]
#                           [--kpl-share F] [--malformed-share F] [--fail-share F] [--hold-share F]
#                           [--hold-seconds S] [--kill-min-seconds S] [--kill-max-seconds S]
#                           [--reshard-seconds S]
#   defaults: 2 minutes, seed 20261202, 100 records/s, 2 shards, KPL share 0.2, malformed 0.02,
#   503 share 0.05 and hold share 0.02 (5 s) of the PUTs, a kill every 5-30 s, a reshard every 60 s
#
# Needs Node (kinesalite, installed by the Maven build) and Java 17. Builds the jars if missing or
# older than a main source file. Outputs in benchmarks/target/soak/ (each run's stdout/stderr,
# kinesalite's log, soak-report.txt).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bench_jar=$root/benchmarks/target/benchmarks.jar
ingest_jar=$root/etl-ingest/target/etl-ingest.jar
out=$root/benchmarks/target/soak

args=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --minutes|--seed|--rate|--shards|--kpl-share|--malformed-share|--fail-share|--hold-share|\
    --hold-seconds|--kill-min-seconds|--kill-max-seconds|--reshard-seconds)
      args+=("$1" "${2:?$1 needs a value}"); shift ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "Invalid argument '$1': see $0 --help" >&2; exit 2 ;;
  esac
  shift
done

cd "$root"
source benchmarks/lib.sh
ensure_jars "$bench_jar" "$ingest_jar"
print_machine
rm -rf "$out"
mkdir -p "$out"
java -Xmx2g --add-opens=java.base/java.nio=ALL-UNNAMED -Dminietl.root="$root" \
  -cp "$bench_jar" io.minietl.ingest.SoakHarness --jar "$ingest_jar" --work-dir "$out" \
  ${args[@]+"${args[@]}"} 2>&1 | tee "$out/soak.log"
status=${PIPESTATUS[0]}
echo "uptime after the run: $(uptime)"
exit "$status"
