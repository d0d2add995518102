// The control socket of a running `dsu run --control SOCK`: a Unix socket
// created with mode 0600 that only its owner may use. The areas that answer
// commands register their handlers explicitly (control/attach.ts); each
// handler gets its arguments as the command table reads them, may be
// asynchronous (a patch waits for the guest to become quiescent) and answers
// once. What a handler throws becomes the protocol's error here, and only here.
import fs from 'node:fs';
import net from 'node:net';
import { ControlError, PROTOCOL_VERSION, checkVersion, errorMessage, errorStatus, parseRequest, Response } from './protocol.js';
import { COMMANDS, CommandHandlers, CommandName, isCommand } from './commands.js';
import { peerCredentials } from '../emulator/host/peer-credentials.js';

type AnyHandler = (args: unknown) => unknown;

/** What the server did with one request, for a log (dsu run --log): its command, arguments and outcome. */
export type ControlEvent =
  | { phase: 'requested'; cmd: string; args: unknown }
  | { phase: 'answered'; cmd: string; args: unknown; result: unknown; ms: number }
  | { phase: 'failed'; cmd: string; args: unknown; error: string; status: number; ms: number };

export class ControlServer {
  private readonly commands = new Map<CommandName, AnyHandler>();
  private server: net.Server | null = null;

  /** The socket file this server created, so that close() removes only that one. */
  private identity: { dev: number; ino: number } | null = null;

  constructor(
    readonly path: string,
    private readonly onLog: (line: string) => void,
    private readonly onEvent: (e: ControlEvent) => void = () => {},
  ) {}

  /** Serve these commands (a command registered twice is a programming error). */
  register(handlers: Partial<CommandHandlers>): void {
    for (const [name, handler] of Object.entries(handlers) as [CommandName, AnyHandler][]) {
      if (this.commands.has(name)) throw new Error(`control command ${name} registered twice`);
      this.commands.set(name, handler);
    }
  }

  /** Create the socket (refusing to replace anything but a stale socket of ours). */
  async listen(): Promise<void> {
    try {
      const st = fs.lstatSync(this.path);
      if (!st.isSocket()) throw new ControlError(`${this.path} exists and is not a socket`);
      if (st.uid !== process.getuid?.()) throw new ControlError(`${this.path} belongs to another user`);
      const alive = await new Promise<boolean>((resolve) => {
        const c = net.connect(this.path, () => {
          c.destroy();
          resolve(true);
        });
        c.on('error', () => resolve(false));
      });
      if (alive) throw new ControlError(`${this.path} is in use by another dsu process`);
      fs.unlinkSync(this.path);
    } catch (e) {
      if (e instanceof ControlError) throw e;
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new ControlError(`${this.path}: ${(e as Error).message}`);
    }
    const server = net.createServer((socket) => this.serve(socket));
    const oldMask = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.path, () => resolve());
      });
    } catch (e) {
      throw new ControlError(`cannot create control socket ${this.path}: ${(e as Error).message}`);
    } finally {
      process.umask(oldMask);
    }
    fs.chmodSync(this.path, 0o600);
    const st = fs.lstatSync(this.path);
    this.identity = { dev: st.dev, ino: st.ino };
    server.unref();
    this.server = server;
  }

  close(): void {
    this.server?.close();
    this.server = null;
    try {
      // the path may have been taken over meanwhile (removed, and another dsu listening there)
      const st = fs.lstatSync(this.path);
      if (this.identity && st.dev === this.identity.dev && st.ino === this.identity.ino) fs.unlinkSync(this.path);
    } catch {
      // already gone
    }
  }

  private serve(socket: net.Socket): void {
    const peer = peerCredentials(socket);
    const me = process.geteuid?.() ?? 0;
    if (!peer || peer.uid !== me) {
      socket.end(JSON.stringify({ v: PROTOCOL_VERSION, id: 0, ok: false, error: 'permission denied: not the owner of this dsu process' }) + '\n');
      this.onLog(`dsu: control: refused a connection from uid ${peer?.uid ?? '?'}`);
      return;
    }
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > 1 << 20) {
        socket.destroy();
        return;
      }
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.trim().length > 0) void this.handle(line, socket);
      }
    });
    socket.on('error', () => {});
  }

  private async handle(line: string, socket: net.Socket): Promise<void> {
    let response: Response;
    let id = 0;
    let cmd = '?';
    let args: unknown = null;
    const start = performance.now();
    try {
      const req = parseRequest(line);
      id = req.id;
      checkVersion(req);
      cmd = req.cmd;
      args = req.args ?? {};
      const handler = isCommand(req.cmd) ? this.commands.get(req.cmd) : undefined;
      if (!handler || !isCommand(req.cmd)) throw new ControlError(`unknown command ${req.cmd}`);
      args = COMMANDS[req.cmd].read(req.args ?? {});
      this.onEvent({ phase: 'requested', cmd, args });
      const result = await handler(args);
      response = { v: PROTOCOL_VERSION, id, ok: true, result };
      this.onEvent({ phase: 'answered', cmd, args, result, ms: performance.now() - start });
    } catch (e) {
      const status = errorStatus(e);
      response = { v: PROTOCOL_VERSION, id, ok: false, error: errorMessage(e), ...(status !== 1 ? { status } : {}) };
      this.onEvent({ phase: 'failed', cmd, args, error: response.error!, status, ms: performance.now() - start });
    }
    if (!socket.destroyed) socket.write(JSON.stringify(response) + '\n');
  }
}
