// Subcommands that talk to a running `dsu run --control SOCK`.
import { parseArgs, UsageError } from './args.js';
import { callControl } from '../control/client.js';
import { ControlError } from '../control/protocol.js';
import { escapeText, printError, printJson, printOut } from './output.js';

export interface ControlCall {
  /** Control socket path. */
  socket: string;
  json: boolean;
  options: Map<string, string[]>;
  flags: Set<string>;
  rest: string[];
}

/** Parse `--control SOCK [--json]` plus extra options, then run `body`; errors become one line on stderr. */
export async function withControl(
  command: string,
  argv: string[],
  extra: { values?: string[]; flags?: string[] },
  body: (c: ControlCall) => Promise<number>,
): Promise<number> {
  const p = parseArgs(argv, { values: ['control', ...(extra.values ?? [])], flags: ['json', ...(extra.flags ?? [])], interspersed: true });
  const socket = p.options.get('control')?.[0];
  if (socket === undefined) throw new UsageError(`dsu ${command}: --control SOCK is required`);
  try {
    return await body({ socket, json: p.flags.has('json'), options: p.options, flags: p.flags, rest: p.rest });
  } catch (e) {
    if (e instanceof ControlError) {
      printError(`dsu ${command}`, e.message);
      return e.status;
    }
    throw e;
  }
}

export async function pingCommand(argv: string[]): Promise<number> {
  return withControl('ping', argv, {}, async (c) => {
    const r = await callControl(c.socket, 'ping', {}, 10_000);
    if (c.json) printJson(r);
    else printOut(`dsu process ${r.pid} is running ${escapeText(r.program)}\n`);
    return 0;
  });
}
