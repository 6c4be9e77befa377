#!/usr/bin/env bash
# Make a real Consul (Debian bullseye's consul 1.8.7, a static binary) available at
# <repo>/.tools/consul/bin/consul for the integration tests. Bookworm has no consul package,
# so we fetch bullseye's .deb through a private apt configuration (scripts/fetch-debian-package.sh):
# no system apt state changes.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$repo/.tools/consul"
bin="$tools/bin/consul"

die() { echo "install-consul: error: $*" >&2; exit 1; }

# Idempotent: an existing, working binary is all we need.
if [[ -x "$bin" ]] && "$bin" version >/dev/null 2>&1; then
  echo "$bin"
  exit 0
fi

# INSTALL_CONSUL_MIRROR overrides the detected Debian mirror (e.g. to test the failure path).
FETCH_DEBIAN_MIRROR="${INSTALL_CONSUL_MIRROR:-${FETCH_DEBIAN_MIRROR:-}}" \
  bash "$repo/scripts/fetch-debian-package.sh" consul "$tools/pkg" bullseye || die "could not fetch Debian bullseye's consul package (see above)"
mkdir -p "$tools/bin"
[[ -x "$tools/pkg/usr/bin/consul" ]] || die "the consul package has no usr/bin/consul"
ln -sfn ../pkg/usr/bin/consul "$bin"

"$bin" version >/dev/null 2>&1 || die "$bin was installed but 'consul version' fails"
echo "install-consul: installed $("$bin" version | head -n1)" >&2
echo "$bin"
