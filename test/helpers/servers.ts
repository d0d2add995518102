// Starting the sample servers (c-samples/kvstore, c-samples/httpd) and
// talking to them. A Launcher turns "binary + arguments" into the command
// that starts it, so the same tests run a server natively or under
// `dsu run` just by being handed a different launcher.
import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { BUILD, DSU } from './run.js';

export interface Launcher {
  name: string;
  /** The full command (argv[0] is the executable) that runs binary with args. */
  command(binary: string, args: string[]): string[];
  /** How long a server may take to print its "listening" line. */
  startTimeoutMs: number;
  /** Requests per redis-benchmark test, ab run and so on. */
  load: { benchRequests: number; abRequests: number; connections: number };
}

export const native: Launcher = {
  name: 'native',
  command: (binary, args) => [binary, ...args],
  startTimeoutMs: 10_000,
  load: { benchRequests: 20_000, abRequests: 2_000, connections: 500 },
};

export const dsu: Launcher = {
  name: 'dsu',
  command: (binary, args) => [process.execPath, DSU, 'run', binary, ...args],
  startTimeoutMs: 60_000,
  load: { benchRequests: 20_000, abRequests: 2_000, connections: 500 },
};

/**
 * The launchers named in $SERVER_LAUNCHERS ("native", "dsu" or
 * "native,dsu"), else the given default; as [name, launcher] rows for
 * describe.each.
 */
export function launchersFromEnv(fallback: Launcher[]): [string, Launcher][] {
  const known: Record<string, Launcher> = { native, dsu };
  const env = process.env.SERVER_LAUNCHERS;
  const chosen = env
    ? env.split(',').map((n) => {
        const l = known[n.trim()];
        if (!l) throw new Error(`SERVER_LAUNCHERS: unknown launcher '${n}'`);
        return l;
      })
    : fallback;
  return chosen.map((l) => [l.name, l]);
}

export const KVSTORE = (name: string) => path.join(BUILD, 'kvstore', name);
export const HTTPD = (name: string) => path.join(BUILD, 'httpd', name);

/** A TCP port nobody listens on right now (the kernel's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface Exit {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Server {
  port: number;
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Sends the signal (SIGTERM by default) and waits for the exit. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit>;
}

/**
 * Starts a server from its full command and resolves once it printed
 * "listening on port N". The caller puts the port into the command.
 */
function startServer(argv: string[], port: number, timeoutMs = 10_000): Promise<Server> {
  const proc = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  // 'close' rather than 'exit': it comes once the output pipes are drained.
  const exited = new Promise<Exit>((resolve) => {
    proc.on('close', (status, signal) => resolve({ status, signal, stdout: out, stderr: err }));
  });
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));

  const server: Server = {
    port,
    proc,
    stdout: () => out,
    stderr: () => err,
    async stop(signal = 'SIGTERM', stopTimeoutMs = 10_000) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), stopTimeoutMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${argv.join(' ')}: not listening after ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`));
    }, timeoutMs);
    const onData = () => {
      if (/listening on port \d+/.test(out)) {
        clearTimeout(timer);
        proc.stdout!.off('data', onData);
        resolve(server);
      }
    };
    proc.stdout!.on('data', onData);
    proc.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    exited.then((e) => {
      clearTimeout(timer);
      reject(new Error(`${argv.join(' ')} exited (${e.status ?? e.signal}) before listening\nstderr: ${e.stderr}`));
    });
  });
}

/** Picks a free port and starts binary with `-p PORT` plus extra arguments. */
export async function launch(launcher: Launcher, binary: string, extra: string[] = []): Promise<Server> {
  const port = await freePort();
  return startServer(launcher.command(binary, ['-p', String(port), ...extra]), port, launcher.startTimeoutMs);
}

/** Runs a client program to completion (redis-cli, curl, ab, ...). */
export function exec(cmd: string, args: string[], timeoutMs = 60_000): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Opens a TCP connection to the server. */
function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
}

/**
 * A socket that records everything it receives, so tests can wait for
 * an exact byte count, a pattern, or the peer closing. Received chunks are
 * joined only when looked at, and a reader may consume() what it has
 * parsed, so megabytes of replies cost linear time.
 */
export class Conversation {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private total = 0;
  private closed = false;
  private waiters: (() => void)[] = [];

  constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.buffered += d.length;
      this.total += d.length;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static async open(port: number): Promise<Conversation> {
    return new Conversation(await connect(port));
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  send(bytes: string | Buffer): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  /** Everything received and not consumed. */
  received(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0];
  }

  /** Bytes received and not consumed, without joining them. */
  bufferedLength(): number {
    return this.buffered;
  }

  /** Drops the first n received bytes. */
  consume(n: number): void {
    const rest = this.received().subarray(n);
    this.chunks = [rest];
    this.buffered = rest.length;
  }

  isClosed(): boolean {
    return this.closed;
  }

  /** Waits until cond() holds, or fails after timeoutMs. */
  async until(cond: (conv: Conversation) => boolean, timeoutMs = 10_000, what = 'condition'): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (!cond(this)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        const got = this.received().toString('latin1');
        throw new Error(`timed out waiting for ${what}; got ${this.total} bytes, ${JSON.stringify(got.slice(0, 300))} (closed: ${this.closed})`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.received();
  }

  /** Waits until n bytes in all have arrived. */
  untilBytes(n: number, timeoutMs?: number): Promise<Buffer> {
    return this.until((c) => c.total >= n, timeoutMs, `${n} bytes`);
  }

  untilClosed(timeoutMs?: number): Promise<Buffer> {
    return this.until((c) => c.closed, timeoutMs, 'the server to close');
  }

  close(): void {
    this.socket.destroy();
  }
}
