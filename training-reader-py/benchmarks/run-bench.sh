#!/usr/bin/env bash
# The Python reader benchmark (bench_reader.py) with its s3proxy cases: starts s3proxy (and
# kinesalite, unused) on free loopback ports with `examples.jar local-stack`, as ./demo does, points
# the AWS variables at it, runs bench_reader.py --s3-bucket bench with the given flags, then stops
# the stack. Builds examples.jar when it is missing or older than a main source file, and the venv
# (build/python-venv.sh) when it is missing.
#
# Usage: training-reader-py/benchmarks/run-bench.sh [--rows 40000] [--dir /tmp/minietl-bench] [--repeat 1]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
jar=examples/target/examples.jar
if [[ ! -f $jar ]] || [[ -n $(find ./*/src/main pom.xml ./*/pom.xml -newer "$jar" -type f -print -quit) ]]; then
  echo "Building $jar"
  mvn -B -ntp -q -DskipTests package -pl examples -am
fi
bash build/python-venv.sh

work=$(mktemp -d /tmp/minietl-py-bench.XXXXXX)
stack_pid=
cleanup() {
  if [[ -n $stack_pid ]]; then
    exec 3>&- || true # end of its stdin: local-stack stops s3proxy and kinesalite and exits
    wait "$stack_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/logs"
mkfifo "$work/stdin"
java -jar "$jar" local-stack --root "$root" --s3-dir "$work/s3" --log-dir "$work/logs" \
  --env-file "$work/env" --bucket bench <"$work/stdin" >"$work/logs/local-stack.log" 2>&1 &
stack_pid=$!
exec 3>"$work/stdin"
for _ in $(seq 1 1200); do
  [[ -f $work/env ]] && break
  if ! kill -0 "$stack_pid" 2>/dev/null; then
    echo "run-bench: the local stack failed to start:" >&2
    tail -n 30 "$work/logs/local-stack.log" >&2
    exit 1
  fi
  sleep 0.1
done
[[ -f $work/env ]] || { echo "run-bench: the local stack did not start in 120 s" >&2; exit 1; }
# shellcheck disable=SC1091
source "$work/env"
training-reader-py/.venv/bin/python training-reader-py/benchmarks/bench_reader.py --s3-bucket bench "$@"
