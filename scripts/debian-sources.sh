#!/usr/bin/env bash
# Debian source packages for dsu mkpatch's evaluation on real programs
# (test/helpers/debian.ts): `apt-get source --download-only` into
# c-samples/build/debian-src/, through a private deb-src list made from the
# machine's own apt sources (which are left untouched). Idempotent: a
# package already there is not fetched again.
# Usage: scripts/debian-sources.sh PACKAGE...
set -euo pipefail
cd "$(dirname "$0")/.."
dest=c-samples/build/debian-src
state=$dest/apt
mkdir -p "$state/lists/partial" "$state/cache/archives/partial"
list=$state/sources.list
if [ ! -s "$list" ]; then
  {
    # one-line sources: deb URI SUITE COMPONENTS...
    grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | sed 's/^deb /deb-src /' || true
    # deb822 sources: a deb-src line per suite of each stanza of type deb
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] || continue
      awk 'function flush() { if (types ~ /(^| )deb( |$)/ && uris != "") { n = split(suites, s, " "); for (i = 1; i <= n; i++) print "deb-src " uris " " s[i] " " comps } types = uris = suites = comps = "" }
           /^[ \t]*$/ { flush(); next }
           /^Types:/ { sub(/^Types:[ \t]*/, ""); types = $0 }
           /^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
           /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
           /^Components:/ { sub(/^Components:[ \t]*/, ""); comps = $0 }
           END { flush() }' "$f"
    done
  } | grep -v 'nodistro\|cloud-sdk' | sort -u > "$list.new"
  mv "$list.new" "$list"
fi
opts=(-o "Dir::Etc::SourceList=$PWD/$list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$PWD/$state/lists"
      -o "Dir::Cache=$PWD/$state/cache" -o APT::Sandbox::User=root -o Debug::NoLocking=1 -qq)
if ! ls "$state"/lists/*Sources* >/dev/null 2>&1; then
  apt-get "${opts[@]}" update >/dev/null
fi
for p in "$@"; do
  ls "$dest/${p}"_*.dsc >/dev/null 2>&1 && continue
  (cd "$dest" && apt-get "${opts[@]}" source --download-only "$p" >/dev/null)
done
