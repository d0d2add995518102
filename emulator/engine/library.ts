// What the rest of dsu may know about the engine's library: whether it
// loaded (the error a missing libunicorn gives, which the CLI turns into a
// message naming the Debian package) and its version (dsu doctor). Only
// emulator/engine/ reaches the library itself (test/unit/layers.test.ts).
export { EngineLoadError, unicornVersion } from './unicorn-lib.js';
