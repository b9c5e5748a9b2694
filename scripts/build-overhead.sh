#!/usr/bin/env bash
# What the crate costs the users who depend on it: a tiny crate that depends on wechat-invoice
# is built from clean (dev profile) three ways, one after the other: as dependents get it (the
# committed generated/ copied by build.rs), with the `regenerate` feature (build.rs compiles
# and runs the generator over spec/), and a crate on the runtime's own dependencies alone (the
# baseline). Then a no-op rebuild. Prints seconds, the peak memory of the largest compiler
# process, and the ratios.
#
# Usage: scripts/build-overhead.sh            (takes about 5 minutes: three clean builds)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK_DIR:-$(mktemp -d)}
mkdir -p "$work"

consumer() { # name, dependency line(s)
  local dir="$work/$1"
  rm -rf "$dir" && mkdir -p "$dir/src"
  printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n[dependencies]\n%s\n\n[workspace]\n' "$1" "$2" > "$dir/Cargo.toml"
  echo "$3" > "$dir/src/lib.rs"
  cp "$root/Cargo.lock" "$dir/Cargo.lock"
}
consumer dependent "wechat-invoice = { path = \"$root\" }" 'pub use wechat_invoice::Client;'
consumer regenerate "wechat-invoice = { path = \"$root\", features = [\"regenerate\"] }" 'pub use wechat_invoice::Client;'
# The runtime's own dependencies, with the same features, and nothing of ours: every
# non-optional dependency, plus the optional ones the default features turn on (schemars,
# for the default `schema` feature), as a dependent with default features gets them.
deps=$(python3 - "$root/Cargo.toml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
default = re.search(r'^default = \[(.*)\]', text, re.M)
on = {f.strip().strip('"') for f in default.group(1).split(",")} if default else set()
turned_on = set()
for feature in on:
    listed = re.search(rf'^{re.escape(feature)} = \[(.*)\]', text, re.M)
    for item in (listed.group(1).split(",") if listed else []):
        item = item.strip().strip('"')
        if item.startswith("dep:"):
            turned_on.add(item[4:])
lines, keep = [], False
for line in text.splitlines():
    if line.startswith("["):
        keep = line.strip() == "[dependencies]"
        continue
    if not (keep and line.strip()) or line.lstrip().startswith("#"):
        continue
    name = line.split("=")[0].strip()
    if "optional = true" in line:
        if name not in turned_on:
            continue
        line = line.replace(", optional = true", "")
    derive = '{ version = "1", features = ["derive"] }' if line.startswith("serde ") else '"1"'
    lines.append(line.replace("{ workspace = true }", derive))
print("\n".join(lines))
PY
)
consumer deps-only "$deps" 'pub use reqwest::Client;'

clean_build() { # dir -> "seconds peak_rss_mb" (fails the script when the build fails)
  local dir="$1"
  rm -rf "$dir/target"
  (cd "$dir" && cargo fetch --quiet >/dev/null 2>&1 || true)
  python3 - "$dir" <<'PY'
import os, resource, subprocess, sys, time
dir = sys.argv[1]
start = time.monotonic()
subprocess.run(["cargo", "build", "--offline", "--quiet"], cwd=dir, check=True,
               env=dict(os.environ, CARGO_TARGET_DIR=os.path.join(dir, "target")))
took = time.monotonic() - start
# Peak RSS of the largest single process of the build (rustc of the biggest crate), in MB.
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{took:.1f} {peak:.0f}")
PY
}

echo "load before: $(cat /proc/loadavg)" >&2
read -r dep dep_mb < <(clean_build "$work/dependent")
read -r deps deps_mb < <(clean_build "$work/deps-only")
read -r regen regen_mb < <(clean_build "$work/regenerate")
echo "load after: $(cat /proc/loadavg)" >&2
start=$(date +%s.%N)
(cd "$work/dependent" && CARGO_TARGET_DIR="$work/dependent/target" cargo build --offline --quiet)
end=$(date +%s.%N)
noop=$(python3 -c "print(f'{$end - $start:.2f}')")
python3 - "$dep" "$dep_mb" "$deps" "$deps_mb" "$regen" "$regen_mb" "$noop" <<'PY'
import sys
dep, dep_mb, deps, deps_mb, regen, regen_mb, noop = map(float, sys.argv[1:])
print(f"clean build of a dependent crate (committed generated/): {dep:.1f} s, peak {dep_mb:.0f} MB")
print(f"clean build of a crate on the runtime's dependencies only: {deps:.1f} s, peak {deps_mb:.0f} MB (baseline)")
print(f"against the dependencies alone: time {dep / deps:.2f}x, peak memory {dep_mb / deps_mb:.2f}x")
print(f"with the regenerate feature (build.rs runs the generator): {regen:.1f} s, peak {regen_mb:.0f} MB: {regen / dep:.2f}x the default, {regen / deps:.2f}x the dependencies")
print(f"no-op rebuild (nothing changed): {noop:.2f} s")
PY
