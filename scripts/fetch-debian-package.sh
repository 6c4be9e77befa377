#!/usr/bin/env bash
# Fetch one Debian package and unpack it (dpkg -x) into a folder, without installing it and without
# changing any system apt state: apt's lists and cache are private temporary directories, so nothing
# is installed system-wide and no maintainer script runs. Shared by localnet/install-consul.sh and
# scripts/install-prometheus.sh, which each keep only the binary they need from the unpacked tree.
#
# Usage: fetch-debian-package.sh PACKAGE DEST [SUITE]
#   PACKAGE  the Debian package name, e.g. consul
#   DEST     folder to unpack into; emptied first (created if missing)
#   SUITE    optional. Given (e.g. bullseye): a private sources list with the system's own Debian mirror,
#            that suite and component main, signed by the Debian archive keyring; system preferences
#            (pins) are ignored. Absent: the system's own apt sources.
# Environment: FETCH_DEBIAN_MIRROR overrides the detected mirror when SUITE is given (e.g. to test the
# failure path). Exit 1 with a message naming what failed; nothing on stdout.
set -euo pipefail

die() { echo "fetch-debian-package: error: $*" >&2; exit 1; }

[[ $# -ge 2 && $# -le 3 ]] || die "usage: fetch-debian-package.sh PACKAGE DEST [SUITE]"
package="$1"
dest="$2"
suite="${3:-}"
[[ -n "$dest" && "$dest" != "/" ]] || die "DEST must be a folder of its own, not '$dest'"

command -v apt-get >/dev/null || die "apt-get not found (this script needs a Debian machine)"
command -v dpkg >/dev/null || die "dpkg not found (this script needs a Debian machine)"

# The system's Debian mirror (it may be a proxy or a snapshot), else the default.
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

work="$(mktemp -d "${TMPDIR:-/tmp}/fetch-debian-package.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/deb"

# Every path apt writes to is private.
apt_opts=(
  -q
  "-oDir::State::Lists=$work/lists"
  "-oDir::Cache=$work/cache"
  "-oDir::Cache::Archives=$work/cache/archives"
  -oAPT::Sandbox::User=root
)
where="the system's Debian sources (/etc/apt/sources.list(.d/))"
if [[ -n "$suite" ]]; then
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [[ -r "$keyring" ]] || die "Debian archive keyring $keyring not found (install debian-archive-keyring)"
  uri="${FETCH_DEBIAN_MIRROR:-$(debian_uri)}"
  cat >"$work/$suite.sources" <<EOF
Types: deb
URIs: $uri
Suites: $suite
Components: main
Signed-By: $keyring
EOF
  # Only this source, and no system pins that could hide the package.
  apt_opts+=(
    "-oDir::Etc::SourceList=$work/$suite.sources"
    -oDir::Etc::SourceParts=/dev/null
    -oDir::Etc::Preferences=/dev/null
    -oDir::Etc::PreferencesParts=/dev/null
  )
  where="$uri $suite/main"
fi

echo "fetch-debian-package: fetching $package from $where" >&2
if ! apt-get "${apt_opts[@]}" update >"$work/update.log" 2>&1 \
  || grep -qE '^(W|E): (Failed to fetch|Some index files failed)' "$work/update.log"; then
  cat "$work/update.log" >&2
  die "cannot reach the Debian package registry: apt-get update failed for $where (check the sources and the network)"
fi

if ! (cd "$work/deb" && apt-get "${apt_opts[@]}" download "$package") >"$work/download.log" 2>&1; then
  cat "$work/download.log" >&2
  die "apt-get download $package failed (is $package in $where?)"
fi

deb="$(find "$work/deb" -maxdepth 1 -name "${package}_*.deb" | head -n1)"
[[ -n "$deb" ]] || die "apt-get download reported success but no ${package}_*.deb was written"

rm -rf "$dest"
mkdir -p "$dest"
dpkg -x "$deb" "$dest" || die "dpkg -x $deb into $dest failed"
