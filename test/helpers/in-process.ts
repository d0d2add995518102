// A guest started in this process with startSession, for tests that reach
// into a stopped program's memory: its stdin is a FIFO the test writes to,
// its stdout and stderr a file the test reads, so neither touches the test
// runner's own streams.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Session, startSession } from '../../emulator/launch.js';
import { createLogger } from '../../emulator/log.js';
import { HostStream } from '../../emulator/files/host-stream.js';
import { O_RDONLY, O_WRONLY } from '../../emulator/files/description.js';

export interface InProcessGuest {
  session: Session;
  output(): string;
  /** Resolves once the guest printed `line` and is blocked in a system call. */
  waitUntilBlockedAfter(line: string, timeoutMs?: number): Promise<void>;
  /** Sends text to the guest's stdin. */
  send(text: string): void;
  /** Ends stdin, waits for the exit, cleans up; returns the exit status and output. */
  finish(): Promise<{ code?: number; signal?: number; output: string }>;
}

export function startInProcess(program: string, args: string[] = [], env: string[] = []): InProcessGuest {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-inproc-'));
  const fifo = path.join(dir, 'stdin');
  const outFile = path.join(dir, 'stdout');
  execFileSync('mkfifo', [fifo]);
  // read-write, so opening does not wait for a writer; the test writes through a second descriptor
  const guestIn = fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
  const testIn = fs.openSync(fifo, 'w');
  const out = fs.openSync(outFile, 'w');
  const logFd = fs.openSync(path.join(dir, 'log'), 'w');
  const session = startSession({ program, args, env, log: createLogger({ fd: logFd }) });
  // the guest has not run yet (it starts on the next turn of the event loop)
  session.proc.fds.place(0, new HostStream(guestIn, O_RDONLY, '/dev/stdin', true));
  session.proc.fds.place(1, new HostStream(out, O_WRONLY, '/dev/stdout', true));
  session.proc.fds.place(2, new HostStream(fs.openSync(outFile, 'a'), O_WRONLY, '/dev/stderr', true));
  const output = (): string => fs.readFileSync(outFile, 'utf8');
  return {
    session,
    output,
    async waitUntilBlockedAfter(line, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!(output().split('\n').includes(line) && session.proc.mainThread.state === 'blocked')) {
        if (session.proc.exited) throw new Error(`the guest exited before "${line}": ${output()}`);
        if (Date.now() > deadline) throw new Error(`no "${line}" within ${timeoutMs} ms: ${output()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    send(text) {
      fs.writeSync(testIn, text);
    },
    async finish() {
      // the guest holds the FIFO read-write, so it never sees EOF: give it a line
      if (!session.proc.exited) fs.writeSync(testIn, '\n');
      fs.closeSync(testIn);
      const status = await session.done;
      const text = output();
      fs.closeSync(logFd);
      fs.rmSync(dir, { recursive: true, force: true });
      return { ...status, output: text };
    },
  };
}
