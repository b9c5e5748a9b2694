#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need, then runs them.
#
# The `redis` feature's tests (tests/token_redis.rs) start their own `redis-server`, and the
# `wxinvoice diff` tests read git revisions with `git` and `tar`: each is installed here
# (Debian/Ubuntu, apt-get) when missing. Arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/apt-install.sh redis-server redis-server
scripts/apt-install.sh git git
scripts/apt-install.sh tar tar

exec cargo test --workspace --all-features "$@"
