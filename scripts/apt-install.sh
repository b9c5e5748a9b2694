#!/usr/bin/env bash
# Installs Debian packages the tests or CI need, when a command is missing.
#
# Usage: scripts/apt-install.sh COMMAND PACKAGE [PACKAGE…]
#   Does nothing when COMMAND is on PATH (COMMAND `-`: install in any case); otherwise installs the packages with apt-get
#   (as root, or through sudo), and fails with what to install by hand when it cannot.
set -euo pipefail
command_name=$1
shift
if [ "$command_name" != "-" ] && command -v "$command_name" >/dev/null; then
  exit 0
fi
echo "$(basename "$0"): $command_name missing; installing $* (apt-get install)" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "$(basename "$0"): not root and no sudo: install $* by hand, then run again" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "$(basename "$0"): no apt-get here: install $* with your package manager" >&2
  exit 1
fi
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$@"
