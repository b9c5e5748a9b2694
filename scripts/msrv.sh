#!/usr/bin/env bash
# Builds every crate, with every target and feature, on the toolchain the manifests declare
# as their minimum (`rust-version`, set once in [workspace.package]), and fails when a crate
# declares another one.
#
# The toolchain is the one whose `rustc --version` is exactly the declared version: rustup's
# toolchain of that name when installed, else the default one if it is that version. Nothing
# is downloaded (this machine reaches no toolchain server); a missing toolchain fails.
set -euo pipefail
cd "$(dirname "$0")/.."

msrv=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml)
if [ -z "$msrv" ]; then
  echo "msrv.sh: no rust-version in [workspace.package] of Cargo.toml" >&2
  exit 1
fi
# Every package of the workspace must declare that version (inherited, not repeated).
mismatch=$(cargo metadata --no-deps --format-version 1 --locked |
  python3 -c 'import json, sys
msrv = sys.argv[1]
for p in json.load(sys.stdin)["packages"]:
    if p.get("rust_version") != msrv:
        print(p["name"], p.get("rust_version"))' "$msrv")
if [ -n "$mismatch" ]; then
  echo "msrv.sh: these crates do not declare rust-version $msrv: $mismatch" >&2
  exit 1
fi

version_of() { "$1" --version | awk '{print $2}'; }
matches() { case "$(version_of "$1")" in "$msrv" | "$msrv".*) return 0 ;; *) return 1 ;; esac; }

toolchain_bin=""
for dir in "${RUSTUP_HOME:-$HOME/.rustup}"/toolchains/"$msrv"*; do
  if [ -x "$dir/bin/rustc" ] && matches "$dir/bin/rustc"; then toolchain_bin="$dir/bin"; break; fi
done
if [ -z "$toolchain_bin" ] && matches "$(command -v rustc)"; then
  toolchain_bin=$(dirname "$(rustup which rustc 2>/dev/null || command -v rustc)")
fi
if [ -z "$toolchain_bin" ]; then
  echo "msrv.sh: no Rust $msrv toolchain here (default: $(rustc --version)); install it" >&2
  exit 1
fi

# A toolchain other than the default builds in its own target folder.
target_dir=target/msrv
if [ "$(version_of "$toolchain_bin/rustc")" = "$(version_of rustc)" ]; then target_dir=target; fi
echo "msrv.sh: rust-version $msrv; building with $("$toolchain_bin/rustc" --version) in $target_dir"
# That toolchain's own cargo and rustc, called directly (no rustup proxy, no `+toolchain`).
RUSTC="$toolchain_bin/rustc" RUSTDOC="$toolchain_bin/rustdoc" \
  "$toolchain_bin/cargo" check --workspace --all-targets --all-features --locked \
  --target-dir "$target_dir"
