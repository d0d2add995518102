// `dsu modules --control SOCK [--json]`: every object loaded in a running
// program, in load order, from ld.so's own list (r_debug/link_map).
import type { CommandDef } from './args.js';
import { CONTROL_OPTION, controlSocket, jsonOption, noArguments } from './control-client.js';
import { moduleTable } from './inspect-format.js';
import { callControl } from '../control/client.js';
import { printError, printJson, printOut } from './output.js';

export const modulesCommand: CommandDef = {
  name: 'modules',
  summary: 'list the objects loaded in a running program',
  synopsis: ['--control SOCK [--json]'],
  description: "The objects loaded in the program a `dsu run --control SOCK` runs: executable, ld.so, libraries (dlopen'ed ones included) and objects dsu linked, with bases, segments and build IDs.",
  options: [CONTROL_OPTION, jsonOption('one JSON array of modules')],
  positional: 'none',
  async run(p) {
    const socket = controlSocket(p);
    noArguments(p);
    const answer = await callControl(socket, 'modules', {}, 30_000);
    if (p.flags.has('json')) printJson(answer.modules, 1);
    else printOut(moduleTable(answer.modules));
    for (const s of answer.skipped) printError('dsu modules', `${s.name || '(unnamed)'} at ${s.base} left out: ${s.reason}`);
    return 0;
  },
};
