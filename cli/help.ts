// The help texts, made from the command table (cli/args.ts CommandDef): the
// overview of `dsu help`, each command's `--help`, and the exit statuses
// every command shares. The man page (cli/man-page.ts) is made from the same.
import { CommandDef, OptionDef, optionsOf } from './args.js';

/** The exit statuses of every command (README's table says the same). */
export const EXIT_STATUSES: readonly [string, string][] = [
  ['0', 'success (dsu run: the program\'s own exit status; 128+N when a signal N ended it)'],
  ['1', 'the command failed: no control socket, the program exited, another patch operation running, a file that cannot be read...'],
  ['2', 'wrong usage: unknown command or option, missing argument'],
  ['3', 'dsu patch: the patch file cannot be read or is not a patch'],
  ['4', 'dsu patch: refused by a check before anything changed'],
  ['5', 'dsu patch/rollback: no safe point before --timeout (nothing changed)'],
  ['6', 'dsu patch: the state transfer failed (everything undone)'],
  ['70', 'an internal error of dsu (a bug: please report it)'],
  ['126, 127', 'dsu run: the program cannot be executed / was not found (as a shell says)'],
];

const WIDTH = 80;
const HELP_COLUMN = 26;

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line.length > 0 ? `${line} ${word}` : word;
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

/** `-o, --output FILE` */
export function optionLabel(o: OptionDef): string {
  return `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.value ? ` ${o.value}` : ''}`;
}

function optionLines(o: OptionDef): string[] {
  const label = `  ${optionLabel(o)}`;
  const help = wrap(o.help + (o.multiple ? ' (repeatable)' : ''), WIDTH - HELP_COLUMN);
  const indent = ' '.repeat(HELP_COLUMN);
  if (label.length + 2 <= HELP_COLUMN) return [label.padEnd(HELP_COLUMN) + help[0], ...help.slice(1).map((l) => indent + l)];
  return [label, ...help.map((l) => indent + l)];
}

export function commandHelp(def: CommandDef): string {
  const lines = def.synopsis.map((s, i) => `${i === 0 ? 'usage:' : '      '} dsu ${def.name}${s ? ` ${s}` : ''}`);
  lines.push('', ...wrap(`${def.summary[0].toUpperCase()}${def.summary.slice(1)}.`, WIDTH));
  if (def.description) for (const paragraph of def.description.split('\n\n')) lines.push('', ...wrap(paragraph, WIDTH));
  lines.push('', 'options:', ...optionsOf(def).flatMap(optionLines));
  return lines.join('\n') + '\n';
}

/** The short usage a usage error ends with. */
export function usageLines(def: CommandDef): string {
  return def.synopsis.map((s, i) => `${i === 0 ? 'usage:' : '      '} dsu ${def.name}${s ? ` ${s}` : ''}`).join('\n') + `\n(dsu help ${def.name} for the options)`;
}

export function overview(table: readonly CommandDef[]): string {
  const width = Math.max(...table.map((d) => d.name.length)) + 2;
  const lines = [
    'usage: dsu <command> [options] [arguments]',
    '       dsu --version | dsu help [COMMAND] | dsu COMMAND --help',
    '',
    'Run 32-bit x86 Linux programs in an emulator and update them while they run.',
    '',
    'commands:',
    ...table.map((d) => `  ${d.name.padEnd(width)}${d.summary}`),
    '',
    'Every command takes --help; --json gives its report, and its failure, as JSON on stdout.',
    '',
    'exit statuses:',
    ...EXIT_STATUSES.map(([code, what]) => `  ${code.padEnd(9)}${what}`),
  ];
  return lines.join('\n') + '\n';
}
