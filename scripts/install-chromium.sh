#!/usr/bin/env bash
# Debian's chromium for the headless browser tests (test/integration/state-page.test.ts).
# Idempotent: does nothing when /usr/bin/chromium is already there. Playwright's own browser
# download is not used: only the Debian registry is reachable from the machines this runs on.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
/usr/bin/chromium --version
