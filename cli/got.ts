// `dsu got PROGRAM [--all] [--root DIR] [--json]`: the import slots of a
// program's file (and with --all of every library it loads), before it runs.
// `dsu got --control SOCK [--module NAME] [--json]`: the live slots of a
// running program, with what each points at now.
import fs from 'node:fs';
import path from 'node:path';
import { CommandDef, CommandError, Parsed, UsageError, optionValue } from './args.js';
import { CONTROL_OPTION, jsonOption } from './control-client.js';
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

async function gotRun(p: Parsed): Promise<number> {
  const json = p.flags.has('json');
  const socket = optionValue(p, 'control');
  if (socket !== undefined) {
    if (p.rest.length > 0 || p.options.has('root') || p.flags.has('all')) throw new UsageError('--control SOCK excludes PROGRAM, --root and --all');
    const module = optionValue(p, 'module');
    print(await callControl(socket, 'got', module === undefined ? {} : { module }, 30_000), json, true);
    return 0;
  }
  if (p.options.has('module')) throw new UsageError('--module needs --control SOCK');
  if (p.rest.length !== 1) throw new UsageError(`${p.rest.length === 0 ? 'missing PROGRAM (or --control SOCK)' : 'one PROGRAM only'}`);
  try {
    const { rows, warnings } = fileRows(p.rest[0], optionValue(p, 'root') ?? '/', p.flags.has('all'));
    print(rows, json, false);
    for (const w of warnings) printError('dsu got', w);
    return warnings.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof GotError || e instanceof ElfError) throw new CommandError(e.message);
    throw e;
  }
}

export const gotCommand: CommandDef = {
  name: 'got',
  summary: "list GOT/PLT import slots: of a program's file, or live",
  synopsis: ['PROGRAM [--all] [--root DIR] [--json]', '--control SOCK [--module NAME] [--json]'],
  description: "With PROGRAM: the import slots of the program's file (link-time addresses, nothing bound yet), and with --all of every library it loads. With --control SOCK: the live slots of the program a `dsu run --control SOCK` runs, with what each points at now. Exit status 1 when a library was not found (the others are listed).",
  options: [
    { name: 'all', help: 'also the libraries it loads, found like ld.so finds them inside the root' },
    { name: 'root', value: 'DIR', complete: 'directory', help: 'directory the program sees as / (default /)' },
    { ...CONTROL_OPTION, help: 'the live slots of the program a `dsu run --control SOCK` runs, with their targets' },
    { name: 'module', value: 'NAME', help: "only that module's slots (live)" },
    jsonOption('one JSON array of slots'),
  ],
  positional: 'file',
  run: gotRun,
};
