#!/usr/bin/env bash
# Runs each fuzz target for a bounded time on the committed corpus (stable toolchain, with
# RUSTC_BOOTSTRAP=1 for the sanitizer flags cargo-fuzz passes). Installs cargo-fuzz when missing.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 30)
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-30}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
for target in spec_load response_decode push_receive; do
  echo "== fuzz $target for ${seconds}s"
  # -O: optimized build with debug assertions; new inputs go to a scratch corpus, not the committed one.
  scratch=$(mktemp -d)
  log="$scratch/log"
  if ! cargo fuzz run -O "$target" "$scratch" "corpus/$target" -- -max_total_time="$seconds" -max_len=4096 >"$log" 2>&1; then
    tail -60 "$log"
    echo "fuzz target $target failed; the crashing input is under fuzz/artifacts/$target/"
    exit 1
  fi
  grep -E "^Done|DONE" "$log" || true
  rm -rf "$scratch"
done
