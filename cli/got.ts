// `dsu got PROGRAM [--all] [--root DIR] [--json]`: the import slots of a
// program's file (and with --all of every library it loads), before it runs.
// `dsu got --control SOCK [--module NAME] [--json]`: the live slots of a
// running program, with what each points at now.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from './args.js';
import { withControl } from './control-client.js';
import { slotTable } from './inspect-format.js';
import { callControl } from '../control/client.js';
import { Vfs } from '../emulator/files/vfs.js';
import { LinuxError } from '../emulator/abi/errno.js';
import { FILE_LIMITS, FileReadError, readRegularFile, readRegularFileOrNull } from '../loader/files/regular-file.js';
import { parseElf } from '../loader/elf/elf-file.js';
import { ElfError } from '../loader/elf/errors.js';
import { importSlots } from '../loader/program/import-slots.js';
import { loadList } from '../loader/program/library-search.js';
import { SlotRow, fileSlotRow } from '../loader/program/rows.js';
import { printError, printJson, printOut } from './output.js';

const GOT_USAGE = `usage: dsu got PROGRAM [--all] [--root DIR] [--json]
       dsu got --control SOCK [--module NAME] [--json]
  PROGRAM          list the import slots of the program's file (link-time addresses, nothing bound yet)
  --all            also the libraries it loads, found like ld.so finds them inside the root
  --root DIR       directory the program sees as / (default /)
  --control SOCK   the live slots of the program a \`dsu run --control SOCK\` runs, with their targets
  --module NAME    only that module's slots (live)
  --json           one JSON array of slots`;

/** A failure to report as "dsu got: <message>". */
class GotError extends Error {}

function readHost(file: string, shown: string): Uint8Array {
  try {
    return readRegularFile(file, FILE_LIMITS.program);
  } catch (e) {
    if (e instanceof FileReadError) throw new GotError(`${shown}: ${e.reason}`);
    throw e;
  }
}

function fileRows(program: string, root: string, all: boolean): { rows: SlotRow[]; warnings: string[] } {
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new GotError(`--root ${root}: not a directory`);
  const vfs = new Vfs({ root, cwd: new Vfs({ root, cwd: '/', writable: [] }).toGuest(process.cwd()) ?? '/', writable: [] });
  let resolved;
  try {
    resolved = vfs.openForDsu(program);
  } catch (e) {
    if (e instanceof LinuxError) throw new GotError(`${program}: No such file or directory`);
    throw e;
  }
  let exe;
  try {
    exe = parseElf(readHost(resolved.host, program), program);
  } finally {
    resolved.close();
  }
  if (!all) return { rows: importSlots(exe).map((s) => fileSlotRow(path.posix.basename(program), exe, s)), warnings: [] };
  const read = (guestPath: string): Uint8Array | null => vfs.withHostPath(guestPath, null, (host) => readRegularFileOrNull(host, FILE_LIMITS.program));
  const list = loadList(exe, resolved.guest, read);
  const rows = list.objects.flatMap((o) => importSlots(o.elf).map((s) => fileSlotRow(o.kind === 'exe' ? path.posix.basename(program) : path.posix.basename(o.path), o.elf, s)));
  return { rows, warnings: list.missing.map((m) => `${m.name}: not found (needed by ${m.neededBy})`) };
}

function print(rows: SlotRow[], json: boolean, live: boolean): void {
  if (json) printJson(rows, 1);
  else printOut(slotTable(rows, live));
}

export async function gotCommand(argv: string[]): Promise<number> {
  if (argv.includes('--control') || argv.some((a) => a.startsWith('--control='))) {
    return withControl('got', argv, { values: ['module'] }, async (c) => {
      if (c.rest.length > 0) throw new UsageError(`dsu got: a PROGRAM and --control exclude each other\n${GOT_USAGE}`);
      const module = c.options.get('module')?.[0];
      const rows = await callControl(c.socket, 'got', module === undefined ? {} : { module }, 30_000);
      print(rows, c.json, true);
      return 0;
    });
  }
  // options may follow PROGRAM here: there are no guest arguments
  let p;
  try {
    p = parseArgs({ args: argv, allowPositionals: true, options: { root: { type: 'string' }, json: { type: 'boolean' }, all: { type: 'boolean' }, help: { type: 'boolean' } } });
  } catch (e) {
    throw new UsageError(`dsu got: ${(e as Error).message}\n${GOT_USAGE}`);
  }
  if (p.values.help) {
    printOut(GOT_USAGE + '\n');
    return 0;
  }
  if (p.positionals.length !== 1) throw new UsageError(`dsu got: ${p.positionals.length === 0 ? 'missing PROGRAM (or --control SOCK)' : 'one PROGRAM only'}\n${GOT_USAGE}`);
  try {
    const { rows, warnings } = fileRows(p.positionals[0], p.values.root ?? '/', p.values.all ?? false);
    print(rows, p.values.json ?? false, false);
    for (const w of warnings) printError('dsu got', w);
    return warnings.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof GotError || e instanceof ElfError) {
      printError('dsu got', e.message);
      return 1;
    }
    throw e;
  }
}
