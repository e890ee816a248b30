#!/usr/bin/env bash
# Throughput benchmark of training-reader (issue 4): one epoch over a dataset of ZSTD shards of
# ~5 KB articles, sequential vs shuffled, from the local disk cache (warm) vs from s3proxy (cold),
# against a raw Arrow IPC read of the same files (the ceiling). Prints a Markdown section and writes
# it into docs/PERFORMANCE.md between <!-- reader-benchmark:start --> and
# <!-- reader-benchmark:end -->. Method: io.minietl.reader.ReaderBenchmark's Javadoc.
#
# Usage: benchmarks/run-reader-benchmark.sh [--shards N] [--rows-per-shard R] [--batch-size B]
#                                           [--repeats K] [--smoke] [--docs FILE | --no-docs]
#   --shards N          shards (default 40)
#   --rows-per-shard R  articles per shard (default 2700, ~4 MB of ZSTD file each)
#   --batch-size B      rows per batch the trainer asks for (default 32)
#   --repeats K         rounds of all modes after the warm-up round; the fastest counts (default 3)
#   --smoke             4 shards × 500 rows, one round: proves the pipeline in ~20 s; numbers are
#                       meaningless, so docs are left alone unless --docs FILE is given
#   --docs FILE         write the section into FILE instead of docs/PERFORMANCE.md
#   --no-docs           print only
#   READER_BENCH_JVM_ARGS  extra JVM flags (e.g. -XX:StartFlightRecording=filename=/tmp/r.jfr)
#
# Builds benchmarks/target/benchmarks.jar if it is missing or older than a main source file.
# Outputs in benchmarks/target/: reader-benchmark.md, reader-benchmark.log, reader/ (the local
# shards and the cache). Takes ~1-2 minutes with the defaults.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/benchmarks/target/benchmarks.jar
out=$root/benchmarks/target

shards=40
rows=2700
batch=32
repeats=3
smoke=0
docs=$root/docs/PERFORMANCE.md
docs_given=0
no_docs=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --shards) shards=${2:?--shards needs N}; shift ;;
    --rows-per-shard) rows=${2:?--rows-per-shard needs R}; shift ;;
    --batch-size) batch=${2:?--batch-size needs B}; shift ;;
    --repeats) repeats=${2:?--repeats needs K}; shift ;;
    --smoke) smoke=1 ;;
    --docs) docs=$(realpath -m "${2:?--docs needs a FILE}"); docs_given=1; shift ;;
    --no-docs) no_docs=1 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "Invalid argument '$1': see $0 --help" >&2; exit 2 ;;
  esac
  shift
done
if [[ $smoke == 1 ]]; then
  shards=4; rows=500; repeats=1
fi
if [[ $no_docs == 1 || ($smoke == 1 && $docs_given == 0) ]]; then
  docs=
fi

cd "$root"
source benchmarks/lib.sh
ensure_jars "$jar"
print_machine

command="benchmarks/run-reader-benchmark.sh"
[[ $smoke == 1 ]] && command+=" --smoke"
[[ $smoke == 0 && $shards != 40 ]] && command+=" --shards $shards"
[[ $smoke == 0 && $rows != 2700 ]] && command+=" --rows-per-shard $rows"
[[ $batch != 32 ]] && command+=" --batch-size $batch"
[[ $smoke == 0 && $repeats != 3 ]] && command+=" --repeats $repeats"
machine=$(machine_line -Xmx2g)

args=(--shards "$shards" --rows-per-shard "$rows" --batch-size "$batch" --repeats "$repeats"
  --work-dir "$out/reader" --out "$out/reader-benchmark.md" --command "$command"
  --machine "$machine")
[[ -n $docs ]] && args+=(--docs "$docs")
# shellcheck disable=SC2086
java -Xmx2g --add-opens=java.base/java.nio=ALL-UNNAMED ${READER_BENCH_JVM_ARGS:-} \
  -cp "$jar" io.minietl.reader.ReaderBenchmark "${args[@]}" 2>&1 | tee "$out/reader-benchmark.log"
echo "uptime after the run: $(uptime)"
