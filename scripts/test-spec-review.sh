#!/usr/bin/env bash
# Tests the commands of .github/workflows/spec-review.yml (the PR loop users copy): each
# command below must appear verbatim in the workflow, then runs on this repository (clean:
# every check passes) and on a scratch git repository whose head changes an endpoint's path
# (the diff exits 1 and its Markdown names the breaking change).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
workflow=.github/workflows/spec-review.yml

validate='wxinvoice validate spec'
generate='wxinvoice generate --check'
diff='wxinvoice diff "$BASE" HEAD --format markdown --fail-on breaking --semver > spec-diff.md'
for command in "$validate" "$generate" "$diff"; do
  if ! grep -qF "target/release/$command" "$workflow"; then
    echo "error: $workflow does not run \`$command\`; keep it and this script in step" >&2
    exit 1
  fi
done

cargo build -q -p wxinvoice
bin="$repo/target/debug/wxinvoice"
run() { # the workflow's command line, with the binary built here
  (PATH="$(dirname "$bin"):$PATH"; eval "$1")
}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

echo "-- on this repository: validate, generate --check, diff HEAD HEAD"
run "$validate" >/dev/null
run "$generate" >/dev/null
(cd "$scratch" && git init -q base-only && cd base-only && cp -r "$repo/spec" . \
  && git add spec && git -c user.name=ci -c user.email=ci@example.com commit -qm base)
(cd "$scratch/base-only" && BASE=HEAD run "$diff")
grep -q "No changes." "$scratch/base-only/spec-diff.md"
grep -q "semver: none" "$scratch/base-only/spec-diff.md"

echo "-- on a change of an endpoint's path: the diff fails and says why"
cd "$scratch/base-only"
base=$(git rev-parse HEAD)
sed -i 's#^  path: /card/invoice/getauthdata$#  path: /card/invoice/getauthdata2#' spec/endpoints/get_auth_data.yaml
grep -q 'getauthdata2' spec/endpoints/get_auth_data.yaml
git -c user.name=ci -c user.email=ci@example.com commit -qam head
set +e
BASE=$base run "$diff"
status=$?
set -e
if [ "$status" -ne 1 ]; then
  echo "error: the diff exited $status on a breaking change, expected 1" >&2
  cat spec-diff.md >&2
  exit 1
fi
grep -q '^## Spec changes: [1-9][0-9]* breaking' spec-diff.md
grep -qF 'path changed from `/card/invoice/getauthdata` to `/card/invoice/getauthdata2` (`path-changed`)' spec-diff.md
grep -q 'semver: major' spec-diff.md
echo "spec-review workflow commands: ok"
