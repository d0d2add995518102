// `dsu modules --control SOCK [--json]`: every object loaded in a running
// program, in load order, from ld.so's own list (r_debug/link_map).
import { withControl } from './control-client.js';
import { moduleTable } from './inspect-format.js';
import { UsageError } from './args.js';
import { callControl } from '../control/client.js';
import { printError, printJson, printOut } from './output.js';

const MODULES_USAGE = `usage: dsu modules --control SOCK [--json]
  the objects loaded in the program a \`dsu run --control SOCK\` runs: executable, ld.so,
  libraries (dlopen'ed ones included) and objects dsu linked, with bases, segments and build IDs`;

export async function modulesCommand(argv: string[]): Promise<number> {
  return withControl('modules', argv, {}, async (c) => {
    if (c.rest.length > 0) throw new UsageError(`dsu modules: unexpected argument ${c.rest[0]}\n${MODULES_USAGE}`);
    const answer = await callControl(c.socket, 'modules', {}, 30_000);
    if (c.json) printJson(answer.modules, 1);
    else printOut(moduleTable(answer.modules));
    for (const s of answer.skipped) printError('dsu modules', `${s.name || '(unnamed)'} at ${s.base} left out: ${s.reason}`);
    return 0;
  });
}
