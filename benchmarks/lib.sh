# Sourced by the benchmark scripts (run-*-benchmarks.sh, run-*-benchmark.sh): what they share.
# Not a script to run. Call the functions from the repository root.

# ensure_jars JAR...: builds the benchmarks module and the modules it depends on when a jar is
# missing or older than any main source file or POM of the repository. ENSURE_JARS_MODULES
# (default "benchmarks") names other modules to build with it (e.g. "benchmarks,etl-flink").
ensure_jars() {
  local jar reason=
  for jar in "$@"; do
    if [[ ! -f $jar ]]; then
      reason="$jar is missing"
    else
      reason=$(find ./*/src/main pom.xml ./*/pom.xml -newer "$jar" -type f -print -quit)
      [[ -n $reason ]] && reason="$reason changed"
    fi
    [[ -n $reason ]] && break
  done
  if [[ -n $reason ]]; then
    echo "Building the benchmark jars ($reason)"
    mvn -B -ntp -q -DskipTests package -pl "${ENSURE_JARS_MODULES:-benchmarks}" -am
  fi
}

# print_machine: prints nproc, the CPU model, uptime and java -version, and sets load (the 1/5/15
# minute load average before the run) and cpu (the CPU model) for the caller.
print_machine() {
  load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
  cpu=$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || echo unknown)
  echo "== Machine"
  echo "nproc: $(nproc)"
  echo "CPU: $cpu"
  echo "uptime: $(uptime)"
  java -version 2>&1
  echo
}

# machine_line [DETAIL]: the machine in one line for a report, with a warning when other work was
# running (load > 1). Call print_machine first. (sed, not head: under pipefail head's early exit
# can fail the pipeline.)
machine_line() {
  local java_version line
  java_version=$(java -version 2>&1 | sed -n 1p | tr -d '"')
  line="Machine: $(nproc) cores ($cpu), $java_version${1:+, $1}, load average $load (1/5/15 min) before the run."
  if awk -v l="${load%% *}" 'BEGIN { exit !(l > 1.0) }'; then
    line+=" **The machine was shared with other work (load > 1): figures are indicative.**"
  fi
  echo "$line"
}
