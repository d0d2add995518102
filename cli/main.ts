// The `dsu` command line: one table of commands (each module declares its
// own, cli/args.ts CommandDef), one parser, and one place that turns a
// failure into its message and exit status: a line on stderr, and with
// --json also {"error": {...}} on stdout.
import { CommandContext, CommandDef, CommandError, UsageError, closest, parseCommandLine } from './args.js';
import { commandHelp, overview, usageLines } from './help.js';
import { ControlError } from '../control/protocol.js';
import { packageVersion } from './install-paths.js';
import { printErr, printError, printJson, printOut } from './output.js';

/**
 * Every command, in the order `dsu help` lists them. A command's module is
 * imported when it runs: `dsu run` of a small program must not pay for
 * compiling the patcher and mkpatch (start-up time and memory).
 */
const COMMANDS: readonly [string, () => Promise<CommandDef>][] = [
  ['run', async () => (await import('./run.js')).runCommand],
  ['patch', async () => (await import('./patch-commands.js')).patchCommand],
  ['rollback', async () => (await import('./patch-commands.js')).rollbackCommand],
  ['status', async () => (await import('./patch-commands.js')).statusCommand],
  ['ping', async () => (await import('./control-client.js')).pingCommand],
  ['modules', async () => (await import('./modules.js')).modulesCommand],
  ['got', async () => (await import('./got.js')).gotCommand],
  ['mkpatch', async () => (await import('./mkpatch.js')).mkpatchCommand],
  ['doctor', async () => (await import('./install-commands.js')).doctorCommand],
  ['include-dir', async () => (await import('./install-commands.js')).includeDirCommand],
  ['help', async () => (await import('./meta-commands.js')).helpCommand],
  ['completion', async () => (await import('./meta-commands.js')).completionCommand],
  ['man', async () => (await import('./meta-commands.js')).manCommand],
];

const loadTable = (): Promise<CommandDef[]> => Promise.all(COMMANDS.map(([, load]) => load()));

/** What each exit status means, for the `kind` of a JSON failure. */
const FAILURE_KINDS: Record<number, string> = {
  1: 'failed', 2: 'usage', 3: 'bad-file', 4: 'refused', 5: 'not-safe', 6: 'transfer-failed', 70: 'internal', 126: 'cannot-execute', 127: 'not-found',
};

/** --json among dsu's own words (for a failure before or during parsing). */
function jsonAsked(def: CommandDef, argv: string[]): boolean {
  for (const a of argv) {
    if (a === '--' || (def.stopAtPositional && !a.startsWith('-'))) return false;
    if (a === '--json') return true;
  }
  return false;
}

interface Failure {
  message: string;
  status: number;
}

function failureOf(e: unknown): Failure {
  if (e instanceof UsageError) return { message: e.message, status: 2 };
  if (e instanceof CommandError || e instanceof ControlError) return { message: e.message, status: e.status };
  return { message: `internal error: ${e instanceof Error ? e.message : String(e)}`, status: 70 };
}

function report(e: unknown, def: CommandDef | null, json: boolean): number {
  const f = failureOf(e);
  if (json) printJson({ error: { command: def?.name ?? null, status: f.status, kind: FAILURE_KINDS[f.status] ?? 'failed', message: f.message } });
  if (e instanceof UsageError) {
    // a usage error ends with the usage: several lines of dsu's own
    printErr(`${def ? `dsu ${def.name}` : 'dsu'}: ${f.message}\n${def ? usageLines(def) + '\n' : ''}`);
  } else {
    // `dsu run`'s failures are about the program, as a shell words them ("dsu: ./x: No such file or directory")
    printError(def === null || def.name === 'run' ? 'dsu' : `dsu ${def.name}`, f.message);
  }
  return f.status;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // `dsu rollback ... | head -1`: the operation is done; a closed pipe must not turn its report into a stack trace
  if (command !== 'run') process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  const context: CommandContext = { table: loadTable, version: packageVersion() };
  switch (command) {
    case undefined:
      printErr(overview(await loadTable()));
      return 2;
    case '--version':
    case '-V':
      printOut(`dsu ${context.version}\n`);
      return 0;
    case '--help':
    case '-h':
      printOut(overview(await loadTable()));
      return 0;
  }
  const load = COMMANDS.find(([name]) => name === command)?.[1];
  if (load === undefined) {
    const guess = command.startsWith('-') ? null : closest(command, COMMANDS.map(([name]) => name));
    const json = argv.includes('--json');
    return report(new UsageError(`unknown ${command.startsWith('-') ? 'option' : 'command'} ${command}${guess ? `; did you mean ${guess}?` : ''}\n(dsu help lists the commands)`), null, json);
  }
  const def = await load();
  let json = jsonAsked(def, rest);
  try {
    const parsed = parseCommandLine(def, rest);
    json = parsed.flags.has('json');
    if (parsed.flags.has('help')) {
      printOut(commandHelp(def));
      return 0;
    }
    return await def.run(parsed, context);
  } catch (e) {
    return report(e, def, json);
  }
}
