// The one option parser of every dsu command, over a declarative table: each
// command lists its options (cli/command-table.ts gathers them), and the
// parser, the help texts, the bash completion and the man page are all made
// from those lists. Node's util.parseArgs splits the words (long and short
// options, --opt=VALUE, -oVALUE, grouped short flags, `--`); the checks on
// top are dsu's: an unknown option gets a suggestion, a value option needs
// its value, an option given twice is refused unless it repeats.
import { parseArgs as splitArgs } from 'node:util';

/** A mistake on the command line: exit status 2, with a pointer to the help. */
export class UsageError extends Error {}

/** A command that failed for a reason the user can act on: one line (or JSON with --json), exit `status`. */
export class CommandError extends Error {
  constructor(message: string, readonly status = 1) {
    super(message);
  }
}

export interface OptionDef {
  name: string;
  /** One-letter alias (`-o`). */
  short?: string;
  /** The value's placeholder (DIR, MS, FILE...): present when the option takes a value. */
  value?: string;
  /** May be given several times; the values collect in order. */
  multiple?: boolean;
  /** One sentence or two; the help, the man page and the completion show it. */
  help: string;
  /** What bash completes its value with. */
  complete?: 'file' | 'directory';
}

export interface Parsed {
  /** Values of the options that take one, by long name. */
  options: Map<string, string[]>;
  /** The flags given, by long name. */
  flags: Set<string>;
  /** Positional arguments (and, for a command that runs a program, the program and its own arguments). */
  rest: string[];
}

/** What a command is given besides its parsed arguments. */
export interface CommandContext {
  /** The whole command table (for help, completion and the man page), each command's module loaded. */
  table(): Promise<readonly CommandDef[]>;
  version: string;
}

export interface CommandDef {
  name: string;
  /** One line, no final period: `dsu help` lists it. */
  summary: string;
  /** The forms after `dsu NAME`, one per line. */
  synopsis: string[];
  /** Paragraphs after the synopsis in `--help` and the man page. */
  description?: string;
  options: OptionDef[];
  /**
   * The options end at the first argument that is not one (or at `--`): the
   * program's own options follow it untouched (`dsu run`). Otherwise options
   * may come anywhere, and only `--` ends them.
   */
  stopAtPositional?: boolean;
  /** What bash completes the positional arguments with. */
  positional?: 'file' | 'command' | 'none';
  run(p: Parsed, context: CommandContext): Promise<number>;
}

const HELP_OPTION: OptionDef = { name: 'help', short: 'h', help: 'print this help and exit' };

/** Every option of a command, --help included. */
export function optionsOf(def: CommandDef): OptionDef[] {
  return [...def.options, HELP_OPTION];
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest of `candidates` to a mistyped `word`, when one is close enough to be what was meant. */
export function closest(word: string, candidates: readonly string[]): string | null {
  const prefixed = candidates.filter((c) => word.length >= 3 && c.startsWith(word));
  if (prefixed.length === 1) return prefixed[0];
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const dist = distance(word, c);
    if (dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  return best !== null && bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : null;
}

function unknownOption(raw: string, all: OptionDef[]): UsageError {
  const long = raw.startsWith('--');
  const guess = closest(raw.replace(/^--?/, ''), long ? all.map((o) => o.name) : all.flatMap((o) => (o.short ? [o.short] : [])));
  const suggestion = guess === null ? '' : `; did you mean ${long ? '--' : '-'}${guess}?`;
  return new UsageError(`unknown option ${raw}${suggestion}`);
}

export function parseCommandLine(def: CommandDef, argv: string[]): Parsed {
  const all = optionsOf(def);
  const byName = new Map(all.map((o) => [o.name, o]));
  const config = Object.fromEntries(all.map((o) => [o.name, { type: o.value ? ('string' as const) : ('boolean' as const), ...(o.short ? { short: o.short } : {}) }]));
  // lenient: every word becomes a token, and dsu's own checks below say what is wrong
  const { tokens } = splitArgs({ args: argv, options: config, allowPositionals: true, strict: false, tokens: true });
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  const rest: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'option-terminator') {
      rest.push(...argv.slice(t.index + 1));
      break;
    }
    if (t.kind === 'positional') {
      if (def.stopAtPositional) {
        rest.push(...argv.slice(t.index));
        break;
      }
      rest.push(t.value);
      continue;
    }
    const o = byName.get(t.name);
    if (!o) throw unknownOption(t.rawName, all);
    const shown = `--${o.name}`;
    if (o.value) {
      if (t.value === undefined) throw new UsageError(`option ${shown} needs a value (${o.value})`);
      const list = options.get(o.name) ?? [];
      if (list.length > 0 && !o.multiple) throw new UsageError(`option ${shown} given twice`);
      list.push(t.value);
      options.set(o.name, list);
    } else {
      if (t.value !== undefined) throw new UsageError(`option ${shown} takes no value`);
      flags.add(o.name);
    }
  }
  return { options, flags, rest };
}

/** The one value of an option, or undefined. */
export function optionValue(p: Parsed, name: string): string | undefined {
  return p.options.get(name)?.[0];
}

/** A positive number of milliseconds from an option, or `fallback`. */
export function millisecondsOption(p: Parsed, name: string, fallback: number): number {
  const raw = optionValue(p, name);
  if (raw === undefined) return fallback;
  const ms = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !(ms > 0)) throw new UsageError(`--${name} ${raw}: expected a positive number of milliseconds`);
  return ms;
}
