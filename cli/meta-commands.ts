// Commands about dsu itself, made from the command table: `dsu help`,
// `dsu completion bash` and `dsu man`.
import type { CommandDef } from './args.js';
import { UsageError } from './args.js';
import { jsonOption } from './control-client.js';
import { bashCompletion } from './completion.js';
import { commandHelp, overview } from './help.js';
import { manPage } from './man-page.js';
import { printJson, printOut } from './output.js';

/** The table as data: what `dsu help --json` prints (docs/cli-schema.json "help"). */
function tableJson(table: readonly CommandDef[]): unknown {
  return table.map((d) => ({
    name: d.name,
    summary: d.summary,
    synopsis: d.synopsis.map((s) => `dsu ${d.name}${s ? ` ${s}` : ''}`),
    options: d.options.map((o) => ({ name: o.name, ...(o.short ? { short: o.short } : {}), ...(o.value ? { value: o.value } : {}), multiple: o.multiple ?? false, help: o.help })),
  }));
}

export const helpCommand: CommandDef = {
  name: 'help',
  summary: 'the list of commands, or the help of one',
  synopsis: ['[COMMAND] [--json]'],
  options: [jsonOption('the commands and their options')],
  positional: 'command',
  async run(p, context) {
    const table = await context.table();
    if (p.rest.length > 1) throw new UsageError('one COMMAND at a time');
    const name = p.rest[0];
    const def = name === undefined ? null : table.find((d) => d.name === name);
    if (def === undefined) throw new UsageError(`unknown command ${name}`);
    if (p.flags.has('json')) printJson(tableJson(def ? [def] : table), 1);
    else printOut(def ? commandHelp(def) : overview(table));
    return 0;
  },
};

export const completionCommand: CommandDef = {
  name: 'completion',
  summary: 'print the bash completion script (eval "$(dsu completion bash)")',
  synopsis: ['[bash]'],
  options: [],
  positional: 'none',
  async run(p, context) {
    const table = await context.table();
    if (p.rest.length > 1 || (p.rest.length === 1 && p.rest[0] !== 'bash')) throw new UsageError(`only bash is supported`);
    printOut(bashCompletion(table));
    return 0;
  },
};

export const manCommand: CommandDef = {
  name: 'man',
  summary: 'print the manual page, dsu(1), in roff (dsu man | man -l -)',
  synopsis: [''],
  options: [],
  positional: 'none',
  async run(p, { table: loadTable, version }) {
    const table = await loadTable();
    if (p.rest.length > 0) throw new UsageError(`unexpected argument ${p.rest[0]}`);
    printOut(manPage(table, version));
    return 0;
  },
};
