#!/usr/bin/env bash
# systemd-analyze for test/unit/systemd-unit.test.ts (`systemd-analyze verify deploy/kuutamod.service`).
# Idempotent: prints the tool's path and does nothing else when it is already on PATH. On a fresh
# Debian machine or container it installs Debian's `systemd` package, which ships the tool (no
# systemd needs to run as init for `verify`). Only the Debian registry is used.
set -euo pipefail
if tool="$(command -v systemd-analyze)"; then
  echo "$tool"
  exit 0
fi
command -v apt-get >/dev/null || { echo "install-systemd-analyze: error: apt-get not found; install systemd-analyze (package systemd) by hand" >&2; exit 1; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
echo "install-systemd-analyze: installing Debian's systemd package" >&2
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends systemd >/dev/null
command -v systemd-analyze
