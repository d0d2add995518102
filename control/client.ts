// The client side of the control channel, used by `dsu patch`, `dsu status`,
// `dsu modules`, `dsu got --control` and `dsu rollback`.
import net from 'node:net';
import { ControlError, PROTOCOL_VERSION, Response } from './protocol.js';
import { COMMANDS, CommandName, ResultOf, SentOf } from './commands.js';

/**
 * Send one command and wait for its answer. The arguments are checked with
 * the server's own reader first, so a bad one is refused before connecting.
 */
export async function callControl<C extends CommandName>(path: string, cmd: C, args: SentOf<C>, timeoutMs = 0): Promise<ResultOf<C>> {
  COMMANDS[cmd].read(args as Record<string, unknown>);
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(path);
    s.once('connect', () => resolve(s));
    s.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') reject(new ControlError(`no control socket at ${path} (is \`dsu run --control ${path}\` running?)`));
      else if (e.code === 'EACCES') reject(new ControlError(`permission denied on ${path}: it belongs to another user`));
      else if (e.code === 'ECONNREFUSED') reject(new ControlError(`nothing is listening on ${path} (stale socket?)`));
      else reject(new ControlError(`cannot connect to ${path}: ${e.message}`));
    });
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    let timer: NodeJS.Timeout | null = null;
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        socket.destroy();
        reject(new ControlError(`no answer from ${path} within ${timeoutMs} ms`));
      }, timeoutMs);
    }
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      if (timer) clearTimeout(timer);
      socket.end();
      let r: Response;
      try {
        r = JSON.parse(buffer.slice(0, nl)) as Response;
      } catch {
        reject(new ControlError('malformed answer from the dsu process'));
        return;
      }
      if (r.ok) resolve(r.result as ResultOf<C>);
      else reject(new ControlError(r.error ?? 'failed', typeof r.status === 'number' ? r.status : 1));
    });
    socket.on('close', () => reject(new ControlError(`the dsu process closed ${path} without answering`)));
    socket.on('error', (e) => reject(new ControlError(e.message)));
    socket.write(JSON.stringify({ v: PROTOCOL_VERSION, id: 1, cmd, args }) + '\n');
  });
}
