#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian 12 machine: system packages, npm
# dependencies, the TypeScript build and the C samples. Fast when done.
set -euo pipefail
cd "$(dirname "$0")/.."
quiet=0
[ "${1:-}" = "--quiet" ] && quiet=1
say() { [ "$quiet" = 1 ] || echo "setup: $*"; }

packages=(libunicorn2 libunicorn-dev gcc gcc-multilib make binutils qemu-user strace gdb redis-tools wrk apache2-utils curl dpkg-dev patch chromium groff-base)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package.json -nt node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies"
  # from the lock file, which it leaves untouched (npm install would rewrite it)
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi

if [ ! -f dist/.built ] || [ -n "$(find emulator loader patcher patchgen debugger control cli scripts tsconfig.json -newer dist/.built \( -name '*.ts' -o -name 'tsconfig.json' \) -print -quit 2>/dev/null)" ]; then
  say "compiling TypeScript"
  npx tsc -p tsconfig.json
  touch dist/.built
fi
# the CLI bundled, for start-up (bin/dsu.js uses it only while it is newer than dist/)
if [ ! -f dist/bundle/main.js ] || [ dist/cli/main.js -nt dist/bundle/main.js ]; then
  say "bundling the CLI"
  node dist/scripts/bundle.js
fi

say "building C samples"
make -s -C c-samples ${quiet:+--no-print-directory} >/dev/null

# Debian's i386 libc and its debug package, unpacked into a sysroot (not
# installed), for the DWARF reader's tests against a real distribution's
# debug file found by build ID. Best effort: without the archive the tests
# that need it are skipped.
sysroot=c-samples/build/sysroot-i386
if [ ! -f "$sysroot/libc-debug-file" ]; then
  say "fetching libc6:i386 and libc6-dbg:i386 into $sysroot"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  dpkg --print-foreign-architectures | grep -qx i386 || $sudo_cmd dpkg --add-architecture i386
  debs=$(mktemp -d)
  fetch() { (cd "$debs" && apt-get download -qq libc6:i386 libc6-dbg:i386 >/dev/null 2>&1); }
  if fetch || { $sudo_cmd apt-get update -qq >/dev/null 2>&1 && fetch; }; then
    mkdir -p "$sysroot"
    for deb in "$debs"/*.deb; do dpkg -x "$deb" "$sysroot"; done
    id=$(readelf -n "$sysroot/lib/i386-linux-gnu/libc.so.6" | awk '/Build ID/ { print $3 }')
    echo "usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug" > "$sysroot/libc-debug-file"
  else
    echo "setup: warning: could not fetch libc6-dbg:i386; the tests that read it are skipped" >&2
  fi
  rm -rf "$debs"
fi
# Debian's source of lua5.4 (its debian/patches hold a CVE fix), for dsu
# mkpatch's real-program test (test/integration/mkpatch-debian-lua.test.ts),
# through a private deb-src list; the test fetches it again if this failed.
if ! ls c-samples/build/debian-src/lua5.4_*.dsc >/dev/null 2>&1; then
  say "fetching Debian's lua5.4 source"
  bash scripts/debian-sources.sh lua5.4 || echo "setup: warning: could not fetch Debian's lua5.4 source" >&2
fi
# Debian's i386 multi-threaded programs with their libraries, unpacked into a
# root for the thread tests (redis-server.test.ts, memcached.test.ts,
# threads-debian.test.ts; test/helpers/threaded-sysroot.ts names the same
# packages in the same order, and unpacks them itself if this failed).
if ! bash scripts/sysroot.sh c-samples/build/sysroots/threaded redis-server memcached xz-utils python3.11-minimal; then
  echo "setup: warning: could not unpack the i386 threaded programs' root" >&2
fi
# Debian's i386 busybox (static), for the shell tests of the processes
# (test/diff/busybox-sh.test.ts unpacks it itself if this failed).
if ! bash scripts/sysroot.sh c-samples/build/sysroots/busybox busybox-static; then
  echo "setup: warning: could not unpack i386 busybox-static" >&2
fi
say "ready"
