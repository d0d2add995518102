// A small option parser: --flag, --opt VALUE, --opt=VALUE. By default it
// stops at the first positional argument so the guest's own options pass
// through untouched (dsu run); commands without a guest accept options
// anywhere (`interspersed`).
export class UsageError extends Error {}

export interface OptionSpec {
  /** Options that take a value; repeated ones collect into arrays. */
  values: string[];
  repeatable?: string[];
  flags: string[];
  /** Keep parsing options after positional arguments (which collect in `rest`). */
  interspersed?: boolean;
}

export interface Parsed {
  options: Map<string, string[]>;
  flags: Set<string>;
  rest: string[];
}

export function parseArgs(argv: string[], spec: OptionSpec): Parsed {
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  const positional: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      if (!spec.interspersed) break;
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = (eq > 0 ? a.slice(0, eq) : a).replace(/^--?/, '');
    if (spec.flags.includes(name)) {
      if (eq > 0) throw new UsageError(`option --${name} takes no value`);
      flags.add(name);
      continue;
    }
    if (spec.values.includes(name)) {
      let value: string;
      if (eq > 0) value = a.slice(eq + 1);
      else {
        if (i + 1 >= argv.length) throw new UsageError(`option --${name} needs a value`);
        value = argv[++i];
      }
      const list = options.get(name) ?? [];
      if (list.length > 0 && !spec.repeatable?.includes(name)) throw new UsageError(`option --${name} given twice`);
      list.push(value);
      options.set(name, list);
      continue;
    }
    throw new UsageError(`unknown option ${a}`);
  }
  return { options, flags, rest: [...positional, ...argv.slice(i)] };
}
