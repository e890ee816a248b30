#!/usr/bin/env bash
# End-to-end benchmark of etl-ingest on the local stack (kinesalite + s3proxy): put N ~5 KB
# articles into a fresh 4-shard stream, (a) drain it with a bare GetRecords loop (the emulator's
# ceiling), (b) run `java -jar etl-ingest.jar run --stop-when-idle 2s` as a child JVM on it,
# (c) run the same runner code in the harness JVM once it is warm (after one uncounted run), then
# the same (b) at a ladder of -Xmx values (peak heap from -Xlog:gc, peak RSS from VmHWM). Prints a
# Markdown section and writes it into docs/PERFORMANCE.md between <!-- e2e-benchmark:start -->
# and <!-- e2e-benchmark:end -->. Method: io.minietl.ingest.EndToEndBenchmark's Javadoc.
#
# Usage: benchmarks/run-e2e-benchmark.sh [--records N] [--xmx SIZE] [--repeats R] [--ladder a,b,c]
#                                        [--records-per-call N] [--smoke] [--docs FILE | --no-docs]
#   --records N   records to put (default 20000, ~100 MB)
#   --xmx SIZE    -Xmx of the throughput runs (default 1g)
#   --repeats R   (a)/(b)/(c) rounds, alternating; the best of each counts (default 3)
#   --ladder L    -Xmx values of the memory runs (default 64m,96m,128m,192m,256m,384m,512m; "" none)
#   --records-per-call N  the runner's GetRecords Limit in (b) and (c) (default: the runner's, 10,000)
#   --smoke       2,000 records, one (a)/(b) pair, ladder 256m: proves the pipeline in ~30 s;
#                 numbers are meaningless, so docs are left alone unless --docs FILE is given
#   --docs FILE   write the section into FILE instead of docs/PERFORMANCE.md
#   --no-docs     print only
#   E2E_RUNNER_JVM_ARGS  extra JVM flags for the runner child (e.g. -XX:+PrintCompilation)
#   E2E_RUNNER_ARGS      extra runner flags (e.g. --progress-interval 1s); not for published figures
#   E2E_HARNESS_JVM_ARGS extra JVM flags for the harness, which runs (a) and (c) (e.g. a JFR recording)
#
# Needs Node (kinesalite, installed by the Maven build) and Java 17. Builds the jars if missing or
# older than a main source file. Outputs in benchmarks/target/: e2e-benchmark.md, e2e-benchmark.log
# and e2e/ (each runner's stdout, stderr and GC log). Takes ~2 minutes with the defaults.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bench_jar=$root/benchmarks/target/benchmarks.jar
ingest_jar=$root/etl-ingest/target/etl-ingest.jar
out=$root/benchmarks/target

records=20000
xmx=1g
repeats=3
ladder=64m,96m,128m,192m,256m,384m,512m
records_per_call=0
smoke=0
docs=$root/docs/PERFORMANCE.md
docs_given=0
no_docs=0
records_given=0
ladder_given=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --records) records=${2:?--records needs N}; records_given=1; shift ;;
    --xmx) xmx=${2:?--xmx needs a size}; shift ;;
    --repeats) repeats=${2:?--repeats needs R}; shift ;;
    --ladder) ladder=${2?--ladder needs a list}; ladder_given=1; shift ;;
    --records-per-call) records_per_call=${2:?--records-per-call needs N}; shift ;;
    --smoke) smoke=1 ;;
    --docs) docs=$(realpath -m "${2:?--docs needs a FILE}"); docs_given=1; shift ;;
    --no-docs) no_docs=1 ;;
    -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "Invalid argument '$1': see $0 --help" >&2; exit 2 ;;
  esac
  shift
done
if [[ $smoke == 1 ]]; then
  [[ $records_given == 0 ]] && records=2000
  [[ $ladder_given == 0 ]] && ladder=256m
  repeats=1
fi
if [[ $no_docs == 1 || ($smoke == 1 && $docs_given == 0) ]]; then
  docs=
fi

cd "$root"
source benchmarks/lib.sh
ensure_jars "$bench_jar" "$ingest_jar"
print_machine

command="benchmarks/run-e2e-benchmark.sh"
[[ $smoke == 1 ]] && command+=" --smoke"
[[ $records != 20000 ]] && command+=" --records $records"
[[ $xmx != 1g ]] && command+=" --xmx $xmx"
[[ $smoke == 0 && $repeats != 3 ]] && command+=" --repeats $repeats"
[[ $ladder != 64m,96m,128m,192m,256m,384m,512m ]] && command+=" --ladder '$ladder'"
[[ $records_per_call != 0 ]] && command+=" --records-per-call $records_per_call"
machine=$(machine_line)

args=(--jar "$ingest_jar" --records "$records" --xmx "$xmx" --repeats "$repeats" --ladder "$ladder"
  --records-per-call "$records_per_call"
  --work-dir "$out/e2e" --out "$out/e2e-benchmark.md" --command "$command" --machine "$machine")
[[ -n $docs ]] && args+=(--docs "$docs")
java -Xmx3g ${E2E_HARNESS_JVM_ARGS:-} --add-opens=java.base/java.nio=ALL-UNNAMED -Dminietl.root="$root" \
  -De2e.runnerJvmArgs="${E2E_RUNNER_JVM_ARGS:-}" -De2e.runnerArgs="${E2E_RUNNER_ARGS:-}" \
  -cp "$bench_jar" io.minietl.ingest.EndToEndBenchmark "${args[@]}" 2>&1 | tee "$out/e2e-benchmark.log"
echo "uptime after the run: $(uptime)"
