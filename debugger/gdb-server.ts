// `dsu run --gdb PORT|unix:PATH`: a GDB remote-protocol server for the
// program's first process. The program is held before its first
// instruction until gdb connects and resumes it; one gdb at a time (a second
// connection is refused while one is attached). gdb leaving (D, or the
// connection closing) removes its breakpoints and lets the program run on;
// `k` ends the program. When the program ends, gdb is told (W/X) before dsu exits.
import net from 'node:net';
import fs from 'node:fs';
import type { Session } from '../emulator/launch.js';
import type { ExitStatus } from '../emulator/process.js';
import { loadDisassembler } from '../emulator/faults/disasm.js';
import { PacketReader, frame } from './packet-codec.js';
import { DebugTarget } from './target.js';
import { RunControl, StopEvent, SIGTRAP } from './run-control.js';
import { handlePacket, stopReply, StubState } from './packets.js';

/** Where to listen: a loopback TCP port (0: any free one) or a Unix socket path. */
export type GdbAddress = { port: number } | { path: string };

export class GdbAddressError extends Error {}

export function parseGdbAddress(text: string): GdbAddress {
  if (text.startsWith('unix:')) {
    if (text.length === 5) throw new GdbAddressError('--gdb unix:PATH: the path is empty');
    return { path: text.slice(5) };
  }
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new GdbAddressError(`--gdb ${text}: expected a TCP port (0-65535) or unix:PATH`);
  return { port };
}

export class GdbServer {
  private readonly server = net.createServer((socket) => this.accept(socket));
  private socket: net.Socket | null = null;
  private readonly state: StubState;
  private finished = false;

  private constructor(private readonly session: Session, private readonly address: GdbAddress) {
    const runner = session.runner;
    const target = new DebugTarget(runner);
    const control = new RunControl(runner, target, (e) => this.stopped(e));
    this.state = {
      target,
      control,
      registerThread: null,
      lastStop: { thread: runner.proc.mainThread, signal: SIGTRAP, reason: '' },
      noAck: false,
      kill: () => runner.terminate(),
      detach: () => this.detach(),
    };
    control.holdAtStart();
  }

  /** Hold the session's program before its first instruction and listen; resolves with the address gdb connects to. */
  static async start(session: Session, address: GdbAddress): Promise<{ server: GdbServer; where: string }> {
    const server = new GdbServer(session, address);
    // a single step needs each instruction's length
    if (!(await loadDisassembler())) process.stderr.write('dsu: gdb: the disassembler cannot be loaded here: a single step may run to the end of a block\n');
    const where = await server.listen();
    return { server, where };
  }

  private listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      const ready = (): void => {
        this.server.off('error', reject);
        const a = this.server.address();
        resolve(typeof a === 'string' ? `unix:${a}` : a ? `${a.address}:${a.port}` : '?');
      };
      if ('path' in this.address) this.server.listen(this.address.path, ready);
      // loopback only: the debugger can read and change everything in the guest
      else this.server.listen(this.address.port, '127.0.0.1', ready);
    });
  }

  private accept(socket: net.Socket): void {
    if (this.socket || this.finished) {
      socket.destroy();
      return;
    }
    this.socket = socket;
    const reader = new PacketReader();
    socket.on('data', (chunk: Buffer) => {
      for (const item of reader.push(chunk)) {
        if (item.kind === 'interrupt') this.state.control.interrupt();
        else if (item.kind === 'bad-checksum') { if (!this.state.noAck) socket.write('-'); }
        else if (item.kind === 'packet') this.packet(item.payload.toString('latin1'));
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
      this.detach();
    });
  }

  private packet(payload: string): void {
    const socket = this.socket;
    if (!socket) return;
    if (!this.state.noAck) socket.write('+');
    let reply: string | null;
    try {
      reply = handlePacket(payload, this.state);
    } catch (e) {
      // a request dsu cannot serve is an error reply, never a dead session
      reply = 'E01';
      process.stderr.write(`dsu: gdb: ${payload.slice(0, 40)}: ${(e as Error).message}\n`);
    }
    if (reply !== null) this.send(reply);
  }

  private send(reply: string): void {
    this.socket?.write(frame(Buffer.from(reply, 'latin1')));
  }

  private stopped(e: StopEvent): void {
    this.state.lastStop = e;
    this.state.registerThread = null;
    this.send(stopReply(e));
  }

  private detach(): void {
    if (this.finished) return;
    this.state.control.detach();
  }

  /** The program ended: tell gdb how (W: exit code, X: signal), then close. */
  async finish(status: ExitStatus): Promise<void> {
    this.finished = true;
    const socket = this.socket;
    this.server.close();
    if ('path' in this.address) fs.rmSync(this.address.path, { force: true });
    if (!socket) return;
    const reply = status.signal !== undefined ? `X${status.signal.toString(16).padStart(2, '0')}` : `W${(status.code & 0xff).toString(16).padStart(2, '0')}`;
    await new Promise<void>((resolve) => {
      socket.write(frame(Buffer.from(reply, 'latin1')), () => resolve());
      socket.once('close', () => resolve());
    });
    // gdb closes its end after the exit reply; do not wait on it for long
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      socket.once('close', () => { clearTimeout(timer); resolve(); });
      socket.end();
    });
    socket.destroy();
  }
}
