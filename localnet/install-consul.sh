#!/usr/bin/env bash
# Make a real Consul (Debian bullseye's consul 1.8.7, a static binary) available at
# <repo>/.tools/consul/bin/consul for the integration tests. Bookworm has no consul package,
# so we fetch bullseye's .deb through a private apt configuration: no system apt state changes.
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

command -v apt-get >/dev/null || die "apt-get not found (this script needs a Debian machine)"
command -v dpkg >/dev/null || die "dpkg not found (this script needs a Debian machine)"

# Use the same Debian mirror as the system (it may be a proxy or a snapshot), else the default.
debian_uri() {
  local uri=""
  if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
    # deb822: first URIs entry that is the main archive (not debian-security).
    uri="$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' \
      /etc/apt/sources.list.d/debian.sources)"
  fi
  if [[ -z "$uri" && -r /etc/apt/sources.list ]]; then
    # one-line format: "deb [opts] URI suite components"
    uri="$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { if ($i !~ /security/) { print $i; exit } else break } }' \
      /etc/apt/sources.list)"
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[[ -r "$keyring" ]] || die "Debian archive keyring $keyring not found (install debian-archive-keyring)"

# INSTALL_CONSUL_MIRROR overrides the detected mirror (e.g. to test the failure path).
uri="${INSTALL_CONSUL_MIRROR:-$(debian_uri)}"
work="$(mktemp -d "${TMPDIR:-/tmp}/install-consul.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/deb"

cat >"$work/bullseye.sources" <<EOF
Types: deb
URIs: $uri
Suites: bullseye
Components: main
Signed-By: $keyring
EOF

# Every path apt writes to is private; system preferences are ignored too so pins can't interfere.
apt_opts=(
  -q
  "-oDir::Etc::SourceList=$work/bullseye.sources"
  -oDir::Etc::SourceParts=/dev/null
  -oDir::Etc::Preferences=/dev/null
  -oDir::Etc::PreferencesParts=/dev/null
  "-oDir::State::Lists=$work/lists"
  "-oDir::Cache=$work/cache"
  "-oDir::Cache::Archives=$work/cache/archives"
  -oAPT::Sandbox::User=root
)

echo "install-consul: fetching consul from $uri (suite bullseye)" >&2
if ! apt-get "${apt_opts[@]}" update >"$work/update.log" 2>&1 \
  || grep -qE '^(W|E): (Failed to fetch|Some index files failed)' "$work/update.log"; then
  cat "$work/update.log" >&2
  die "cannot reach Debian package registry at $uri (apt-get update for bullseye failed)"
fi

if ! (cd "$work/deb" && apt-get "${apt_opts[@]}" download consul) >"$work/download.log" 2>&1; then
  cat "$work/download.log" >&2
  die "apt-get download consul failed (is consul in $uri bullseye/main?)"
fi

deb="$(find "$work/deb" -maxdepth 1 -name 'consul_*.deb' | head -n1)"
[[ -n "$deb" ]] || die "apt-get download reported success but no consul_*.deb was written"

rm -rf "$tools/pkg"
mkdir -p "$tools/pkg" "$tools/bin"
dpkg -x "$deb" "$tools/pkg" || die "dpkg -x $deb failed"
[[ -x "$tools/pkg/usr/bin/consul" ]] || die "the consul package has no usr/bin/consul"
ln -sfn ../pkg/usr/bin/consul "$bin"

"$bin" version >/dev/null 2>&1 || die "$bin was installed but 'consul version' fails"
echo "install-consul: installed $("$bin" version | head -n1)" >&2
echo "$bin"
