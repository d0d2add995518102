// A guest program run inside the test process (startSession), with its
// stdin fed by the test and its stdout/stderr captured in temporary files,
// so tests can drive the emulator's internals (the patcher's mechanisms)
// while the program runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSession, Session } from '../../emulator/launch.js';
import { createLogger } from '../../emulator/log.js';
import { host } from '../../emulator/host/libc-net.js';
import { ModuleCache } from '../../loader/symbols/modules.js';
import { guestModules } from '../../emulator/faults/guest-modules.js';

export interface Guest {
  session: Session;
  send(text: string): void;
  closeInput(): void;
  output(): string;
  errors(): string;
  /** Wait until stdout contains `text` (polling the capture file). */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** Run-time address of a function or object symbol of the executable. */
  symbol(name: string): number;
  /** End the program (if still running) and release the test's files. */
  dispose(): void;
}

export function startGuest(program: string, args: string[] = [], quantumMs = 2): Guest {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-guest-'));
  const pipe = host.pipe();
  if (typeof pipe === 'number') throw new Error(`pipe: ${pipe}`);
  const [readEnd, writeEnd] = pipe;
  const outPath = path.join(dir, 'stdout');
  const errPath = path.join(dir, 'stderr');
  const out = fs.openSync(outPath, 'w+');
  const err = fs.openSync(errPath, 'w+');
  const session = startSession({
    program, args, quantumMs, stdio: [readEnd, out, err], log: createLogger({ fd: err }),
  });
  let inputOpen = true;
  const guest: Guest = {
    session,
    send: (text) => {
      fs.writeSync(writeEnd, text);
    },
    closeInput: () => {
      if (inputOpen) fs.closeSync(writeEnd);
      inputOpen = false;
    },
    output: () => fs.readFileSync(outPath, 'utf8'),
    errors: () => fs.readFileSync(errPath, 'utf8'),
    waitFor: async (text, timeoutMs = 10_000) => {
      const until = Date.now() + timeoutMs;
      while (!guest.output().includes(text)) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${JSON.stringify(text)}; stdout: ${guest.output()} stderr: ${guest.errors()}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    symbol: (name) => {
      const map = guestModules(session.proc, new ModuleCache());
      for (const m of map.all()) {
        const hits = m.data.symbols.byName(name);
        if (hits.length > 0) return (hits[0].start + m.bias) >>> 0;
      }
      throw new Error(`no symbol ${name}`);
    },
    dispose: () => {
      session.runner.terminate();
      guest.closeInput();
      for (const fd of [readEnd, out, err]) {
        try {
          fs.closeSync(fd);
        } catch {
          // already closed
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return guest;
}
