#!/usr/bin/env bash
# What build.rs costs the users of the crate: a crate that depends on wechat-invoice is built
# from clean twice, once against the crate as it is (build.rs runs the generator, which must be
# compiled first) and once against a copy whose build.rs only copies the committed generated/
# code (the baseline). Then a no-op rebuild of the first. Prints seconds and the ratio.
#
# Usage: scripts/build-overhead.sh            (takes a few minutes: two clean builds)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK_DIR:-$(mktemp -d)}
mkdir -p "$work"

# The baseline copy of the crate: same sources, generated/ copied in, no build dependencies.
base="$work/wechat-invoice-pregenerated"
rm -rf "$base" && mkdir -p "$base"
cp -r "$root/src" "$root/generated" "$root/docs" "$base/"
python3 - "$root/Cargo.toml" "$base/Cargo.toml" <<'PY'
import sys
drop = {"[workspace]", "[workspace.dependencies]", "[build-dependencies]", "[dev-dependencies]", "[[bench]]", "[[example]]", "[[test]]"}
out, keep, in_include = [], True, False
for line in open(sys.argv[1]).read().splitlines():
    if line.startswith("["):
        keep = line.strip() not in drop
    # `include = [...]` lists the package's files, over one line or several: not wanted here.
    if line.startswith("include = "):
        in_include = not line.rstrip().endswith("]")
        continue
    if in_include:
        in_include = not line.strip().startswith("]")
        continue
    if keep:
        out.append(line.replace("{ workspace = true }", '"1"'))
text = "\n".join(out).replace('serde = "1"', 'serde = { version = "1", features = ["derive"] }')
open(sys.argv[2], "w").write(text + "\n\n[workspace]\n")
PY
cat > "$base/build.rs" <<'RS'
//! Baseline: copies the committed generated code instead of generating it.
fn main() {
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("generated");
    let copy = |from: &std::path::Path, to: &std::path::Path| {
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(from, to).expect("copy");
    };
    for entry in std::fs::read_dir("generated").expect("generated") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            copy(&path, &out.join(path.file_name().expect("name")));
        }
    }
    for entry in std::fs::read_dir("generated/endpoints").expect("endpoints") {
        let path = entry.expect("entry").path();
        copy(&path, &out.join("endpoints").join(path.file_name().expect("name")));
    }
}
RS

consumer() { # name, dependency line(s)
  local dir="$work/$1"
  rm -rf "$dir" && mkdir -p "$dir/src"
  printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n[dependencies]\n%s\n\n[workspace]\n' "$1" "$2" > "$dir/Cargo.toml"
  echo "$3" > "$dir/src/lib.rs"
  cp "$root/Cargo.lock" "$dir/Cargo.lock"
}
consumer with-build-rs "wechat-invoice = { path = \"$root\" }" 'pub use wechat_invoice::Client;'
consumer pregenerated "wechat-invoice = { path = \"$base\" }" 'pub use wechat_invoice::Client;'
# The runtime's own dependencies, with the same features, and nothing of ours.
deps=$(python3 - "$root/Cargo.toml" <<'PY'
import sys
lines, keep = [], False
for line in open(sys.argv[1]).read().splitlines():
    if line.startswith("["):
        keep = line.strip() == "[dependencies]"
        continue
    if keep and line.strip() and "optional = true" not in line:
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
read -r with with_mb < <(clean_build "$work/with-build-rs")
read -r deps deps_mb < <(clean_build "$work/deps-only")
read -r without without_mb < <(clean_build "$work/pregenerated")
echo "load after: $(cat /proc/loadavg)" >&2
start=$(date +%s.%N)
(cd "$work/with-build-rs" && CARGO_TARGET_DIR="$work/with-build-rs/target" cargo build --offline --quiet)
end=$(date +%s.%N)
noop=$(python3 -c "print(f'{$end - $start:.2f}')")
python3 - "$with" "$without" "$noop" "$deps" "$with_mb" "$deps_mb" "$without_mb" <<'PY'
import sys
with_rs, base, noop, deps, with_mb, deps_mb, base_mb = map(float, sys.argv[1:])
print(f"clean build of a dependent crate, generating in build.rs: {with_rs:.1f} s, peak {with_mb:.0f} MB")
print(f"clean build of a dependent crate, pre-generated code:     {base:.1f} s, peak {base_mb:.0f} MB")
print(f"clean build of a crate on the runtime's dependencies only: {deps:.1f} s, peak {deps_mb:.0f} MB (baseline)")
print(f"against the dependencies alone: time {with_rs / deps:.2f}x, peak memory {with_mb / deps_mb:.2f}x")
print(f"extra time build.rs adds: {with_rs - base:.1f} s, ratio {with_rs / base:.2f}")
print(f"no-op rebuild (nothing changed): {noop:.2f} s")
PY
