#!/usr/bin/env bash
# scripts/sysroot.sh DIR PKG...
# Unpacks Debian's i386 packages PKG... and everything they depend on into
# DIR, without installing them: a root for `dsu run --root DIR` (and for
# `chroot DIR` or `qemu-i386 -L DIR`, to run the same binaries natively and
# under qemu). Idempotent: nothing is done when DIR already holds exactly
# these packages. Needs root (dpkg --add-architecture, apt-get update) the
# first time i386 is added.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 DIR PKG..." >&2; exit 2; }
dir=$1; shift
want="$*"
stamp="$dir/.dsu-sysroot"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi

sudo_cmd=""
[ "$(id -u)" = 0 ] || sudo_cmd="sudo"
if ! dpkg --print-foreign-architectures | grep -qx i386; then
  $sudo_cmd dpkg --add-architecture i386
fi
if [ -z "$(apt-cache policy libc6:i386 2>/dev/null | awk '/Candidate:/ {print $2}' | grep -v none)" ]; then
  $sudo_cmd apt-get update -qq
fi

# Virtual packages (<name>) are skipped: a real package provides them.
# Maintainer-script tools that packages pre-depend on: never run here.
skip='^(dpkg|tar|install-info|debconf|perl-base|debianutils|base-files|base-passwd|init-system-helpers|usrmerge|dash|bash|diffutils|findutils|grep|sed|gzip|util-linux|login|passwd|adduser|mount|hostname|ncurses-base|ncurses-bin|sysvinit-utils|lsb-base)$'
names=()
for p in "$@"; do names+=("$p:i386"); done
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
  --no-replaces --no-enhances "${names[@]}" 2>/dev/null | grep -v '^ ' | grep -v '^<' | sort -u)
# One apt-cache call for all candidates: "name arch" of each real package.
candidates=()
for n in $closure; do
  base=${n%:i386}
  if [[ " $* " == *" $base "* ]] || ! [[ "$base" =~ $skip ]]; then candidates+=("$n"); fi
done
debs=()
while read -r pkg arch; do
  # an i386 package, or an architecture-independent one (its plain name)
  case "$arch" in
    i386) debs+=("$pkg:i386") ;;
    all) debs+=("$pkg") ;;
  esac
done < <(apt-cache show --no-all-versions "${candidates[@]}" 2>/dev/null |
  awk '/^Package:/ {p=$2} /^Architecture:/ {print p, $2}' | sort -u)

cache="$dir.debs"
mkdir -p "$cache" "$dir"
(cd "$cache" && apt-get download -qq "${debs[@]}" >/dev/null 2>&1 || apt-get download "${debs[@]}")
for deb in "$cache"/*.deb; do dpkg -x "$deb" "$dir"; done
# Debian 12 is merged-/usr: /lib, /bin and /sbin are links into /usr.
for d in lib bin sbin; do
  if [ -d "$dir/$d" ] && [ ! -L "$dir/$d" ]; then
    mkdir -p "$dir/usr/$d"
    cp -a "$dir/$d/." "$dir/usr/$d/" && rm -rf "${dir:?}/$d"
  fi
  [ -e "$dir/$d" ] || ln -s "usr/$d" "$dir/$d"
done
mkdir -p "$dir/tmp" "$dir/dev" "$dir/proc" "$dir/etc"
chmod 1777 "$dir/tmp"
echo "$want" > "$stamp"
