#!/usr/bin/env bash
# Validates docker-compose.yml with `docker-compose config` (no Docker engine needed), installing
# Debian's docker-compose (1.29, ~15 s) first when it is missing and apt-get can be run as root.
# When docker-compose cannot be had, this FAILS: .ci/run calls it, and an unvalidated compose
# file must not pass CI. MINIETL_SKIP_COMPOSE_CHECK=1 skips the check on purpose (a developer
# machine without root), and says so.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ${MINIETL_SKIP_COMPOSE_CHECK:-} == 1 ]]; then
  echo "docker-compose.yml not validated: MINIETL_SKIP_COMPOSE_CHECK=1"
  exit 0
fi
log=${TMPDIR:-/tmp}/docker-compose-install.log
if ! command -v docker-compose >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 \
  && [[ $(id -u) == 0 ]]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose) \
    >"$log" 2>&1 || echo "could not install docker-compose: see $log" >&2
fi
if ! command -v docker-compose >/dev/null 2>&1; then
  echo "docker-compose is not available (not installed, and not installable here with apt-get" \
    "as root): docker-compose.yml cannot be validated. Install docker-compose, or set" \
    "MINIETL_SKIP_COMPOSE_CHECK=1 to skip this check on purpose." >&2
  exit 1
fi
docker-compose -f docker-compose.yml config --quiet
echo "docker-compose config: ok ($(docker-compose version --short 2>/dev/null || echo unknown version))"
