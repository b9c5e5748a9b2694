#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need, then runs them.
# The `redis` feature's tests (tests/token_redis.rs) start their own `redis-server`, so it
# must be on PATH; on Debian/Ubuntu it is installed here when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null; then
  echo "scripts/test.sh: redis-server is missing; installing it (apt-get install redis-server)" >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    echo "scripts/test.sh: not root and no sudo: install redis-server by hand, then run again" >&2
    exit 1
  fi
  if ! command -v apt-get >/dev/null; then
    echo "scripts/test.sh: no apt-get here: install redis-server with your package manager" >&2
    exit 1
  fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q redis-server
fi

exec cargo test --workspace --all-features "$@"
