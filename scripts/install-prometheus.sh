#!/usr/bin/env bash
# Make Debian's promtool available at <repo>/.tools/prometheus/bin/promtool for the tests of the
# alert rules (promtool test rules), the shipped Prometheus config and the daemon's /metrics text
# (promtool check metrics).
#
# Why not `apt-get install prometheus`: its maintainer scripts enable and start a prometheus server
# (through invoke-rc.d even without systemd) and it pulls a dozen web packages. The tests need only
# promtool, so scripts/fetch-debian-package.sh downloads the .deb with the system's own apt sources into
# private apt directories (no system apt state changes) and unpacks it with dpkg -x into a temporary
# folder, and promtool alone is kept. Nothing is installed system-wide and no server is started.
# Idempotent, like install-consul.sh.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$repo/.tools/prometheus"
bin="$tools/bin/promtool"

die() { echo "install-prometheus: error: $*" >&2; exit 1; }

if [[ -x "$bin" ]] && "$bin" --version >/dev/null 2>&1; then
  echo "$bin"
  exit 0
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/install-prometheus.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# The system's own sources (its mirror, suite and keys), private lists and cache.
bash "$repo/scripts/fetch-debian-package.sh" prometheus "$work/pkg" \
  || die "could not fetch Debian's prometheus package (see above; Debian bullseye and newer have it in main)"

[[ -x "$work/pkg/usr/bin/promtool" ]] || die "the prometheus package has no usr/bin/promtool"
mkdir -p "$tools/bin"
# Copy, then rename: a concurrent run never sees a half-written promtool.
cp "$work/pkg/usr/bin/promtool" "$bin.tmp.$$"
mv -f "$bin.tmp.$$" "$bin"

"$bin" --version >/dev/null 2>&1 || die "$bin was installed but 'promtool --version' fails"
echo "install-prometheus: installed $("$bin" --version 2>&1 | head -n1)" >&2
echo "$bin"
