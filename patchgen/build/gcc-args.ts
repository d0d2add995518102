// Reading a gcc command line the way the driver does, enough to tell what
// it builds: the sources it compiles, the objects and archives it links,
// where the output goes, and whether it compiles, links or only asks
// something (-E, -M, --version). Used by the compiler wrapper of a captured
// build.

/** Options whose value may be the next argument (`-o out`, `-I dir`, `-x c`). */
const TAKES_VALUE = new Set([
  '-o', '-I', '-D', '-U', '-include', '-imacros', '-isystem', '-iquote', '-idirafter', '-iprefix', '-iwithprefix',
  '-iwithprefixbefore', '-isysroot', '-x', '-MF', '-MT', '-MQ', '-L', '-l', '-Xlinker', '-Xassembler', '-Xpreprocessor',
  '-u', '-T', '-e', '-z', '--param', '-aux-info', '-dumpbase', '-dumpdir', '-dumpbase-ext', '-wrapper', '-B',
]);

/** Options after which gcc compiles or links nothing. */
const QUERY = /^(-E|-S|-M|-MM|-fsyntax-only|--version|-v|-dumpversion|-dumpfullversion|-dumpmachine|-dumpspecs|--help.*|-print-.*|--print-.*|-###)$/;

export const C_SOURCE = /\.c$/;
const SOURCE = /\.(c|i|s|S|sx|cc|cp|cxx|cpp|c\+\+|C|m)$/;
const LINK_INPUT = /\.(o|a|so(\.\d+)*|lo|obj)$/;

export interface GccCommand {
  /** Source files, in order, as written. */
  sources: string[];
  /** Objects, archives and shared objects given to the link, as written. */
  linkInputs: string[];
  /** The -o value, or null. */
  output: string | null;
  /** -c: compile only. */
  compileOnly: boolean;
  /** -shared or -r: the output is not a program. */
  notProgram: boolean;
  /** Only asks or preprocesses: nothing to capture. */
  query: boolean;
  /** Indexes of the argument words that name sources, link inputs or the output (and its -o). */
  positions: { sources: number[]; linkInputs: number[]; output: number[] };
  /** A -x option changes how files are read: the wrapper does not interfere. */
  languageOverride: boolean;
}

export function parseGccArgs(args: readonly string[]): GccCommand {
  const cmd: GccCommand = {
    sources: [], linkInputs: [], output: null, compileOnly: false, notProgram: false, query: false,
    positions: { sources: [], linkInputs: [], output: [] }, languageOverride: false,
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-c') cmd.compileOnly = true;
    else if (a === '-shared' || a === '-r' || a === '-Wl,-r') cmd.notProgram = true;
    else if (QUERY.test(a)) cmd.query = true;
    if (a === '-o') {
      cmd.output = args[i + 1] ?? null;
      cmd.positions.output.push(i, i + 1);
      i++;
      continue;
    }
    if (a.startsWith('-o') && a.length > 2) {
      cmd.output = a.slice(2);
      cmd.positions.output.push(i);
      continue;
    }
    if (a === '-x' || (a.startsWith('-x') && a.length > 2)) cmd.languageOverride = true;
    if (TAKES_VALUE.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-') && a !== '-') continue;
    if (a === '-') {
      cmd.languageOverride = true;
      continue;
    }
    if (SOURCE.test(a)) {
      cmd.sources.push(a);
      cmd.positions.sources.push(i);
    } else if (LINK_INPUT.test(a)) {
      cmd.linkInputs.push(a);
      cmd.positions.linkInputs.push(i);
    }
  }
  return cmd;
}

/** The user's compile options for one source: everything but the sources, link inputs, -o and link-only options. */
export function compileFlags(args: readonly string[], cmd: GccCommand): string[] {
  const drop = new Set([...cmd.positions.sources, ...cmd.positions.linkInputs, ...cmd.positions.output]);
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (drop.has(i)) continue;
    const a = args[i];
    if (a === '-c') continue;
    // link-only options: harmless to the compiler, but they are not "flags of the unit"
    if (a === '-l' || a === '-L' || a === '-Xlinker' || a === '-T' || a === '-u' || a === '-z') {
      i++;
      continue;
    }
    if (/^-(l|L)./.test(a) || a.startsWith('-Wl,') || a === '-pie' || a === '-no-pie' || a === '-static' || a === '-shared' || a === '-rdynamic' || a === '-s') continue;
    out.push(a);
  }
  return out;
}
