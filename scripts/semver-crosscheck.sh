#!/usr/bin/env bash
# Cross-checks `wxinvoice diff --semver` against cargo-semver-checks (issue 15, item 3).
#
# For each spec change below, the spec is copied, the change applied, the crate generated from
# the base spec and from the changed spec is documented as rustdoc JSON, and
# `cargo semver-checks` compares the two; its verdict is printed beside the diff's. Both
# sides are printed as a Markdown table (README "Diff verdicts against cargo-semver-checks").
#
# Needs cargo-semver-checks (`cargo install cargo-semver-checks --locked`). Without it the
# script says SKIPPED and exits 3: a skip is not a pass. The rustdoc JSON is built with
# RUSTC_BOOTSTRAP=1 (what cargo-semver-checks itself does on a stable toolchain), offline,
# into target/tmp/semver-crosscheck (one scratch crate, its dependencies compiled once).
#
# Usage: scripts/semver-crosscheck.sh [CHANGE...]   (default: every change)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

if ! cargo semver-checks --version >/dev/null 2>&1; then
  echo "SKIPPED (not a pass): cargo-semver-checks is not installed; install it with" >&2
  echo "  cargo install cargo-semver-checks --locked" >&2
  exit 3
fi

cargo build -q -p wxinvoice
wxinvoice="$repo/target/debug/wxinvoice"
scratch="$repo/target/tmp/semver-crosscheck"
crate="$scratch/crate"
export CARGO_TARGET_DIR="$scratch/target"
mkdir -p "$scratch"

# edit FILE FROM TO: replace the one occurrence of FROM (with \n escapes) by TO.
edit() {
  python3 - "$@" <<'PY'
import sys
path, old, new = sys.argv[1], sys.argv[2].encode().decode('unicode_escape'), sys.argv[3].encode().decode('unicode_escape')
text = open(path, encoding='utf-8').read()
if text.count(old) != 1:
    sys.exit(f"{path}: expected one `{old}`, found {text.count(old)}")
open(path, 'w', encoding='utf-8').write(text.replace(old, new))
PY
}

# The changes: name, then what the diff is expected to call it (for the table), then the edit.
changes=(
  response-field-added
  response-field-removed
  request-field-added-optional
  request-field-added-optional-no-default
  request-field-added-required
  request-field-type-changed
  request-field-required-to-optional
  error-code-added
  error-code-removed
  endpoint-added
  endpoint-removed
  field-doc-changed
)

apply() { # apply CHANGE SPEC_DIR
  local e="$2/endpoints"
  case "$1" in
    response-field-added)
      edit "$e/get_auth_data.yaml" "response:\n  invoice_status:\n" \
        "response:\n  auth_channel:\n    type: string\n    description: How the user authorized.\n  invoice_status:\n" ;;
    response-field-removed)
      edit "$e/get_auth_data.yaml" "  auth_time:\n    type: integer\n    width: 64\n    description: Time of the authorization, Unix seconds.\n" ""
      # The examples lose the field too, or the head spec would not load.
      sed -i '/^      auth_time: /d' "$e/get_auth_data.yaml" ;;
    request-field-added-optional)
      edit "$e/reject_insert.yaml" "  url:\n    type: string\n" "  memo:\n    type: string\n    description: A note.\n  url:\n    type: string\n" ;;
    request-field-added-optional-no-default)
      edit "$e/get_auth_url.yaml" "request:\n  s_pappid:\n" \
        "request:\n  memo:\n    type: string\n    description: A note for the page.\n  s_pappid:\n" ;;
    request-field-added-required)
      edit "$e/reject_insert.yaml" "  url:\n    type: string\n" "  memo:\n    type: string\n    required: true\n    description: A note.\n  url:\n    type: string\n"
      edit "$e/reject_insert.yaml" "      reason: \"1234\"\n" "      reason: \"1234\"\n      memo: A note.\n" ;;
    request-field-type-changed)
      edit "$e/reject_insert.yaml" "  url:\n    type: string\n" "  url:\n    type: integer\n"
      edit "$e/reject_insert.yaml" "      url: http://xxx.com\n" "      url: 1\n" ;;
    request-field-required-to-optional)
      edit "$e/reject_insert.yaml" "  reason:\n    type: string\n    required: true\n" "  reason:\n    type: string\n" ;;
    error-code-added)
      edit "$e/get_auth_data.yaml" "errors: [40078, 72015," "errors: [40078, 72015, 72017," ;;
    error-code-removed)
      edit "$e/get_auth_data.yaml" "errors: [40078, 72015," "errors: [40078," ;;
    endpoint-added)
      sed -e 's/^endpoint: reject_insert$/endpoint: reject_insert_copy/' \
        -e 's|path: /card/invoice/rejectinsert|path: /card/invoice/rejectinsertcopy|' \
        "$e/reject_insert.yaml" > "$e/reject_insert_copy.yaml" ;;
    endpoint-removed)
      rm "$e/reject_insert.yaml" ;;
    field-doc-changed)
      edit "$e/get_auth_data.yaml" "description: The order id the authorization was requested for." \
        "description: The order id the authorization was asked for." ;;
    *) echo "unknown change $1" >&2; exit 2 ;;
  esac
}

# The generated crate as a standalone package: the repository's manifest without the
# workspace's shared keys, its own empty workspace, the workspace's lock file.
make_crate() {
  rm -rf "$crate"
  mkdir -p "$crate"
  cp -r "$repo/src" "$repo/docs" "$repo/build.rs" "$crate/"
  cp "$repo/Cargo.lock" "$crate/"
  awk -v codegen="$repo/codegen" '
    /^\[/ { keep = ($0 == "[package]" || $0 == "[lib]" || $0 == "[features]" || $0 == "[dependencies]" || $0 == "[build-dependencies]") }
    !keep || /\.workspace = true/ { next }
    $0 == "[package]" { print; print "version = \"0.1.0\""; print "edition = \"2024\""; next }
    /^serde = \{ workspace = true \}/ { print "serde = { version = \"1\", features = [\"derive\"] }"; next }
    /^serde_json = \{ workspace = true \}/ { print "serde_json = \"1\""; next }
    { sub(/path = "codegen"/, "path = \"" codegen "\""); print }
    END { print "\n[workspace]" }
  ' "$repo/Cargo.toml" > "$crate/Cargo.toml"
}

# rustdoc_json SPEC_DIR OUT: the crate generated from SPEC_DIR, documented as rustdoc JSON.
rustdoc_json() {
  rm -rf "$crate/spec"
  cp -r "$1" "$crate/spec"
  (cd "$crate" && RUSTC_BOOTSTRAP=1 RUSTDOCFLAGS="-Z unstable-options --output-format json" \
    cargo doc --offline --quiet --no-deps --all-features --lib)
  cp "$CARGO_TARGET_DIR/doc/wechat_invoice.json" "$2"
}

make_crate
base="$scratch/base-spec"
rm -rf "$base"
mkdir -p "$base"
for folder in endpoints types errors events; do cp -r "$repo/spec/$folder" "$base/"; done
cp "$repo/spec/spec.schema.json" "$base/" 2>/dev/null || true
rustdoc_json "$base" "$scratch/base.json"

selected=("$@")
[ ${#selected[@]} -eq 0 ] && selected=("${changes[@]}")
echo "| spec change | wxinvoice diff --semver | diff rule ids (level) | cargo-semver-checks | its lints | agree |"
echo "| --- | --- | --- | --- | --- | --- |"
disagreements=0
for change in "${selected[@]}"; do
  head="$scratch/head-$change"
  rm -rf "$head"
  cp -r "$base" "$head"
  apply "$change" "$head"
  "$wxinvoice" diff "$base" "$head" --format json >"$scratch/$change.diff.json"
  ours=$("$wxinvoice" diff "$base" "$head" --semver | sed -n 's/^semver: \([a-z]*\).*/\1/p')
  rules=$(python3 -c 'import json,sys; print(", ".join(sorted({"%s (%s)" % (c["id"], c["level"]) for c in json.load(open(sys.argv[1]))})))' "$scratch/$change.diff.json")
  rustdoc_json "$head" "$scratch/head.json"
  set +e
  cargo semver-checks --baseline-rustdoc "$scratch/base.json" --current-rustdoc "$scratch/head.json" \
    --release-type minor >"$scratch/$change.csc.txt" 2>&1
  status=$?
  set -e
  lints=$(grep -oE '^--- failure [a-z_]+' "$scratch/$change.csc.txt" | sed 's/--- failure //' | sort -u | paste -sd, - || true)
  if [ $status -eq 0 ]; then
    theirs="compatible in a minor release"
    agree=$([ "$ours" != major ] && echo yes || echo no)
  elif [ -n "$lints" ]; then
    theirs="breaking (needs a major release)"
    agree=$([ "$ours" = major ] && echo yes || echo no)
  else
    echo "cargo-semver-checks failed on $change without a verdict; see $scratch/$change.csc.txt" >&2
    tail -20 "$scratch/$change.csc.txt" >&2
    exit 1
  fi
  [ "$agree" = no ] && disagreements=$((disagreements + 1))
  echo "| $change | $ours | $rules | $theirs | ${lints:-none} | $agree |"
done
echo
echo "$disagreements disagreement(s) of ${#selected[@]} change(s); cargo-semver-checks output in $scratch/*.csc.txt"
