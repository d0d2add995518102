// What the subcommands that talk to a running `dsu run --control SOCK` share:
// the --control and --json options, and `dsu ping`.
import { CommandDef, OptionDef, Parsed, UsageError, optionValue } from './args.js';
import { callControl } from '../control/client.js';
import { escapeText, printJson, printOut } from './output.js';

export const CONTROL_OPTION: OptionDef = { name: 'control', value: 'SOCK', complete: 'file', help: 'the control socket of the `dsu run --control SOCK` to talk to (required)' };

export const jsonOption = (what: string): OptionDef => ({ name: 'json', help: `${what} as JSON on stdout; a failure as {"error": {...}} with the same exit status` });

/** The --control socket (a usage error without it). */
export function controlSocket(p: Parsed): string {
  const socket = optionValue(p, 'control');
  if (socket === undefined) throw new UsageError(`--control SOCK is required`);
  return socket;
}

export function noArguments(p: Parsed): void {
  if (p.rest.length > 0) throw new UsageError(`unexpected argument ${p.rest[0]}`);
}

export const pingCommand: CommandDef = {
  name: 'ping',
  summary: 'check that a dsu process answers on its control socket',
  synopsis: ['--control SOCK [--json]'],
  options: [CONTROL_OPTION, jsonOption('the process id, program and whether it exited')],
  positional: 'none',
  async run(p) {
    const socket = controlSocket(p);
    noArguments(p);
    const r = await callControl(socket, 'ping', {}, 10_000);
    if (p.flags.has('json')) printJson(r);
    else printOut(`dsu process ${r.pid} is running ${escapeText(r.program)}\n`);
    return 0;
  },
};
