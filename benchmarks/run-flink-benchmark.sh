#!/usr/bin/env bash
# The Flink job against the runner and the bare drain loop (issue 8, "Benchmark"): put N ~5 KB
# articles into a fresh 4-shard kinesalite stream once, then on that data (a) the e2e harness's
# bare GetRecords loop, (b) `java -jar etl-ingest.jar run`, (d)/(e) `java -jar etl-flink.jar run
# --parallelism 1|2` (local mode), each `--stop-when-idle 2s` into a fresh dataset, alternating
# --repeats times. Prints records/s, MB/s, CPU seconds, the ratios and the job's checkpoint-to-commit
# latency as a Markdown section and writes it into docs/PERFORMANCE.md between
# <!-- flink-benchmark:start --> and <!-- flink-benchmark:end -->. Method:
# io.minietl.ingest.FlinkJobBenchmark's Javadoc.
#
# Usage: benchmarks/run-flink-benchmark.sh [--records N] [--repeats R] [--checkpoint-interval MS]
#                                          [--smoke] [--docs FILE | --no-docs]
#   --records N    records to put (default 20000, ~100 MB)
#   --repeats R    rounds of a, b, d, e; the best of each counts (default 2)
#   --checkpoint-interval MS  the job's checkpoint (= commit) interval in ms (default 2000)
#   --smoke        2,000 records, one round: proves the pipeline; docs are left alone unless
#                  --docs FILE is given
#   --docs FILE    write the section into FILE instead of docs/PERFORMANCE.md
#   --no-docs      print only
#
# Needs Node (kinesalite, installed by the Maven build) and Java 17. Builds the jars if missing or
# older than a main source file. Outputs in benchmarks/target/: flink-benchmark.md, .log and
# flink/ (each consumer's stdout, stderr and GC log). ~3 minutes with the defaults on 2 cores.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bench_jar=$root/benchmarks/target/benchmarks.jar
ingest_jar=$root/etl-ingest/target/etl-ingest.jar
flink_jar=$root/etl-flink/target/etl-flink.jar
out=$root/benchmarks/target

records=20000
repeats=2
checkpoint_ms=2000
smoke=0
docs=$root/docs/PERFORMANCE.md
docs_given=0
no_docs=0
records_given=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --records) records=${2:?--records needs N}; records_given=1; shift ;;
    --repeats) repeats=${2:?--repeats needs R}; shift ;;
    --checkpoint-interval) checkpoint_ms=${2:?--checkpoint-interval needs MS}; shift ;;
    --smoke) smoke=1 ;;
    --docs) docs=$(realpath -m "${2:?--docs needs a FILE}"); docs_given=1; shift ;;
    --no-docs) no_docs=1 ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "Invalid argument '$1': see $0 --help" >&2; exit 2 ;;
  esac
  shift
done
if [[ $smoke == 1 ]]; then
  [[ $records_given == 0 ]] && records=2000
  repeats=1
fi
if [[ $no_docs == 1 || ($smoke == 1 && $docs_given == 0) ]]; then
  docs=
fi

cd "$root"
source benchmarks/lib.sh
ENSURE_JARS_MODULES=benchmarks,etl-flink ensure_jars "$bench_jar" "$ingest_jar" "$flink_jar"
print_machine

command="benchmarks/run-flink-benchmark.sh"
[[ $smoke == 1 ]] && command+=" --smoke"
[[ $records != 20000 && $smoke == 0 ]] && command+=" --records $records"
[[ $repeats != 2 && $smoke == 0 ]] && command+=" --repeats $repeats"
[[ $checkpoint_ms != 2000 ]] && command+=" --checkpoint-interval $checkpoint_ms"
machine=$(machine_line)

args=(--runner-jar "$ingest_jar" --flink-jar "$flink_jar" --records "$records" --repeats "$repeats"
  --checkpoint-ms "$checkpoint_ms" --work-dir "$out/flink" --out "$out/flink-benchmark.md"
  --command "$command" --machine "$machine")
[[ -n $docs ]] && args+=(--docs "$docs")
java -Xmx3g --add-opens=java.base/java.nio=ALL-UNNAMED -Dminietl.root="$root" \
  -cp "$bench_jar" io.minietl.ingest.FlinkJobBenchmark "${args[@]}" 2>&1 | tee "$out/flink-benchmark.log"
echo "uptime after the run: $(uptime)"
