#!/usr/bin/env bash
# The main demo: set up if needed, run a real gcc -m32 program under dsu,
# then update a running key-value server from v1 to v2 to v3 and back while
# a client talks to it: its keys survive, new commands appear.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --quiet
dsu() { node bin/dsu.js "$@"; }
say() { printf '\n== %s\n' "$*"; }

say "a dynamic (PIE) program, started through the guest's own ld-linux.so.2"
dsu run c-samples/build/conformance/hello.dyn demo arguments || echo "(it exits with its argument count: status $?, as natively)"

work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
sock="$work/control.sock"
patches="$PWD/c-samples/build/patches"
cli() { redis-cli -p "$port" "$@"; }

say "kvstore v1 (epoll, RESP) under dsu run --control $sock"
node bin/dsu.js run --control "$sock" c-samples/build/kvstore/kvstore-v1 -p "$port" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q listening "$work/server.log" && break; sleep 0.1; done
cat "$work/server.log"
for i in $(seq 1 1000); do echo "SET key:$i value-$i"; done | cli > /dev/null
echo "1000 keys written; DBSIZE $(cli DBSIZE); GET key:42 -> $(cli GET key:42)"
echo "INCRBY counter 5 -> $(cli INCRBY counter 5)   (v1 has no INCRBY)"

say "dsu patch: v1 -> v2 (fixes integer parsing, adds INCRBY) while it runs"
dsu patch --control "$sock" "$patches/kvstore-v1-v2.so" | grep -v '^  replaced'
echo "INCRBY counter 5 -> $(cli INCRBY counter 5); DBSIZE $(cli DBSIZE); GET key:42 -> $(cli GET key:42)"

say "dsu patch: v2 -> v3 (every entry gains a hit counter: dsu_transfer rebuilds the table)"
dsu patch --control "$sock" "$patches/kvstore-v2-v3.so" | grep -v '^  replaced'
cli GET key:7 > /dev/null; cli GET key:7 > /dev/null
echo "GET key:7 twice; HITS key:7 -> $(cli HITS key:7); $(cli INFO | grep kvstore_version | tr -d '\r'); DBSIZE $(cli DBSIZE)"

say "dsu status"
dsu status --control "$sock" | cut -c1-160

say "dsu rollback: back to v2 (dsu_rollback converts the entries back)"
dsu rollback --control "$sock" | cut -c1-160
echo "HITS key:7 -> $(cli HITS key:7 2>&1 | head -1); GET key:7 -> $(cli GET key:7); DBSIZE $(cli DBSIZE)"

say "a patch for another program is refused, and nothing changes"
dsu patch --control "$sock" "$patches/counter-v1-v2.so" || true
echo "GET key:999 -> $(cli GET key:999)"
