#!/usr/bin/env bash
# The main demo: set up if needed, then run real gcc -m32 programs under
# dsu and show what the emulator does. Later stages (servers, live patches)
# extend it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --quiet
dsu() { node bin/dsu.js "$@"; }

echo "== a dynamic (PIE) program, started through the guest's own ld-linux.so.2"
dsu run c-samples/build/conformance/hello.dyn demo arguments || echo "(exit status $?)"
echo
echo "== the same program linked -static"
dsu run c-samples/build/conformance/hello.static demo arguments || echo "(exit status $?)"
echo
echo "== a memory-heavy computation, preempted every millisecond; statistics in JSON"
stats=$(mktemp)
dsu run --quantum 1 --stats "$stats" c-samples/build/programs/memheavy.static 3
cat "$stats"
rm -f "$stats"
