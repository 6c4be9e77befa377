#!/usr/bin/env bash
# Make Debian's promtool available at <repo>/.tools/prometheus/bin/promtool for the tests of the
# alert rules (promtool test rules), the shipped Prometheus config and the daemon's /metrics text
# (promtool check metrics).
#
# Why not `apt-get install prometheus`: its maintainer scripts enable and start a prometheus server
# (through invoke-rc.d even without systemd) and it pulls a dozen web packages. The tests need only
# promtool, so the .deb is downloaded with the system's own apt sources into private apt directories
# (no system apt state changes), unpacked with dpkg -x into a temporary folder, and promtool alone is
# kept. Nothing is installed system-wide and no server is started. Idempotent, like install-consul.sh.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$repo/.tools/prometheus"
bin="$tools/bin/promtool"

die() { echo "install-prometheus: error: $*" >&2; exit 1; }

if [[ -x "$bin" ]] && "$bin" --version >/dev/null 2>&1; then
  echo "$bin"
  exit 0
fi

command -v apt-get >/dev/null || die "apt-get not found (this script needs a Debian machine)"
command -v dpkg >/dev/null || die "dpkg not found (this script needs a Debian machine)"

work="$(mktemp -d "${TMPDIR:-/tmp}/install-prometheus.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/deb" "$work/pkg"

# The system's sources (its mirror, suite and keys) but private lists and cache.
apt_opts=(
  -q
  "-oDir::State::Lists=$work/lists"
  "-oDir::Cache=$work/cache"
  "-oDir::Cache::Archives=$work/cache/archives"
  -oAPT::Sandbox::User=root
)

echo "install-prometheus: fetching Debian's prometheus package for promtool" >&2
if ! apt-get "${apt_opts[@]}" update >"$work/update.log" 2>&1 \
  || grep -qE '^(W|E): (Failed to fetch|Some index files failed)' "$work/update.log"; then
  cat "$work/update.log" >&2
  die "apt-get update failed: check the Debian sources in /etc/apt/sources.list(.d/) and the network"
fi

if ! (cd "$work/deb" && apt-get "${apt_opts[@]}" download prometheus) >"$work/download.log" 2>&1; then
  cat "$work/download.log" >&2
  die "apt-get download prometheus failed (Debian bullseye and newer have it in main)"
fi

deb="$(find "$work/deb" -maxdepth 1 -name 'prometheus_*.deb' | head -n1)"
[[ -n "$deb" ]] || die "apt-get download reported success but no prometheus_*.deb was written"

dpkg -x "$deb" "$work/pkg" || die "dpkg -x $deb failed"
[[ -x "$work/pkg/usr/bin/promtool" ]] || die "the prometheus package has no usr/bin/promtool"
mkdir -p "$tools/bin"
# Copy, then rename: a concurrent run never sees a half-written promtool.
cp "$work/pkg/usr/bin/promtool" "$bin.tmp.$$"
mv -f "$bin.tmp.$$" "$bin"

"$bin" --version >/dev/null 2>&1 || die "$bin was installed but 'promtool --version' fails"
echo "install-prometheus: installed $("$bin" --version 2>&1 | head -n1)" >&2
echo "$bin"
