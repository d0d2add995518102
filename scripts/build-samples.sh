#!/usr/bin/env bash
# Builds every C sample into c-samples/build/ (incremental, via make).
set -euo pipefail
cd "$(dirname "$0")/.."
make -C c-samples "$@"
