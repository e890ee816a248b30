#!/usr/bin/env bash
# Runs the JMH benchmarks of etl-core (WordCount, ParseEnrich, ShardFormat), prints a Markdown
# table (ops/s ± error, MB/s, ratios to the baselines, issue-2 targets with PASS/MISS) and writes
# it into docs/PERFORMANCE.md between <!-- core-benchmarks:start --> and <!-- core-benchmarks:end -->.
#
# Usage: benchmarks/run-core-benchmarks.sh [--smoke] [--docs FILE | --no-docs] [-- JMH ARGS...]
#   (no option)  the full run with each benchmark's own JMH settings; updates docs/PERFORMANCE.md
#   --smoke      -wi 1 -w 1s -i 1 -r 1s: proves the pipeline in ~1 min; numbers are meaningless, so
#                docs are not touched unless --docs FILE is given
#   --docs FILE  write the section into FILE instead of docs/PERFORMANCE.md
#   --no-docs    print only
#   -- ARGS      extra JMH arguments, e.g. -- -f 3 (three forks) or a narrower benchmark regex
#
# Builds benchmarks/target/benchmarks.jar if it is missing or older than a main source file.
# Outputs in benchmarks/target/: core-benchmarks.json (JMH), .log (JMH's own output), .md (table).
# Run it on a quiet machine: every benchmark is single-threaded, other load skews the numbers.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/benchmarks/target/benchmarks.jar
out=$root/benchmarks/target
arrow_opens=--add-opens=java.base/java.nio=ALL-UNNAMED

smoke=0
docs=$root/docs/PERFORMANCE.md
docs_given=0
no_docs=0
jmh_extra=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --smoke) smoke=1 ;;
    --docs) docs=$(realpath -m "${2:?--docs needs a FILE}"); docs_given=1; shift ;;
    --no-docs) no_docs=1 ;;
    --) shift; jmh_extra=("$@"); break ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "Invalid argument '$1': see $0 --help" >&2; exit 2 ;;
  esac
  shift
done
if [[ $no_docs == 1 || ($smoke == 1 && $docs_given == 0) ]]; then
  docs=
fi

cd "$root"
source benchmarks/lib.sh
ensure_jars "$jar"
print_machine

settings=()
if [[ $smoke == 1 ]]; then
  settings=(-wi 1 -w 1s -i 1 -r 1s -f 1)
fi
benchmarks=(
  'io\.minietl\.core\.feature\.WordCountBenchmark\.'
  'io\.minietl\.core\.record\.ParseEnrichBenchmark\.'
  'io\.minietl\.core\.format\.ShardFormatBenchmark\.'
)
jmh=(java -jar "$jar" "${benchmarks[@]}" -foe true -rf json -rff "$out/core-benchmarks.json"
  "${settings[@]}" "${jmh_extra[@]}")
command="benchmarks/run-core-benchmarks.sh"
[[ $smoke == 1 ]] && command+=" --smoke"
[[ ${#jmh_extra[@]} -gt 0 ]] && command+=" -- ${jmh_extra[*]}"
echo "== JMH: ${jmh[*]}"
rm -f "$out/core-benchmarks.json"
"${jmh[@]}" 2>&1 | tee "$out/core-benchmarks.log"

echo
echo "== Report"
report=(java "$arrow_opens" -cp "$jar" io.minietl.bench.CoreBenchmarkReport
  --results "$out/core-benchmarks.json" --out "$out/core-benchmarks.md"
  --command "$command" --load "$load before the run")
if [[ -n $docs ]]; then
  report+=(--docs "$docs")
fi
"${report[@]}"
