// `dsu mkpatch`: the patch generator's command line (patchgen/).
import { loadCapstone } from 'capstone-wasm';
import { CommandDef, CommandError, Parsed, UsageError, optionValue } from './args.js';
import { mkpatch, MkpatchError } from '../patchgen/mkpatch.js';
import { formatReport } from '../patchgen/report.js';
import { BuildError } from '../patchgen/build/capture.js';
import { TransferError } from '../patchgen/transfer.js';
import { ProgramError } from '../patchgen/program.js';
import { IdentityMismatch } from '../patchgen/identity.js';
import { PatchLinkError } from '../patchgen/emit/link.js';
import { ObjectError } from '../patchgen/object/relocatable.js';
import { EmitError } from '../patchgen/emit/emit-unit.js';
import { jsonOption } from './control-client.js';
import { escapeStrings, printJson, printOut } from './output.js';

const USER_ERRORS = [MkpatchError, BuildError, TransferError, ProgramError, IdentityMismatch, PatchLinkError, ObjectError, EmitError];

async function mkpatchRun(p: Parsed): Promise<number> {
  const one = (name: string): string | null => optionValue(p, name) ?? null;
  const output = one('output');
  if (!one('old') || !one('new') || !output) throw new UsageError('needs --old, --new and -o');
  if (p.rest.length > 0) throw new UsageError(`takes no arguments besides its options (got ${p.rest.join(' ')})`);
  // the program's code is compared by instruction (loader/identity/code-shape.ts)
  await loadCapstone();
  try {
    const report = mkpatch({
      old: one('old')!, new: one('new')!, build: one('build') ?? 'make', transfers: p.options.get('transfer') ?? [],
      program: one('program'), target: one('target'), version: one('version'), output,
      alwaysActive: p.options.get('always-active') ?? [], require: p.options.get('require') ?? [], keep: p.flags.has('keep'),
    });
    if (p.flags.has('json')) printJson(report);
    else printOut(formatReport(escapeStrings(report)));
    return report.ok ? 0 : 1;
  } catch (e) {
    if (USER_ERRORS.some((c) => e instanceof c)) throw new CommandError((e as Error).message);
    throw e;
  }
}

export const mkpatchCommand: CommandDef = {
  name: 'mkpatch',
  summary: "make a live patch from two versions of a program's source",
  synopsis: ["--old OLD_DIR --new NEW_DIR [--build 'CMD'] [--transfer NEW_FILE.c=TRANSFER.c]... [--program BINARY] [--target NAME] [--version NAME] [--always-active FN]... [--require FN]... [--keep] [--json] -o PATCH.so"],
  description: 'Builds both versions with your build command (gcc intercepted), compares them function by function, and writes a shared object holding only what changed, bound to the running program\'s unchanged code and state. The report says what is replaced and why; exit status 1 when it refuses (a variable whose type changed with no transfer to convert it: TRANSFER.skeleton.c is written).',
  options: [
    { name: 'old', value: 'OLD_DIR', complete: 'directory', help: 'the source tree of the running version' },
    { name: 'new', value: 'NEW_DIR', complete: 'directory', help: 'the source tree of the new version' },
    { name: 'build', value: 'CMD', help: 'the build command run in each tree (default make)' },
    { name: 'transfer', value: 'NEW_FILE.c=TRANSFER.c', multiple: true, complete: 'file', help: 'compile TRANSFER.c (dsu_transfer, converting old state) with the unit of NEW_FILE.c' },
    { name: 'program', value: 'BINARY', complete: 'file', help: 'the running binary the patch binds to (default: the old tree\'s own build output)' },
    { name: 'target', value: 'NAME', help: 'the DSU_TARGET the patch requires (default: the program\'s name or version)' },
    { name: 'version', value: 'NAME', help: 'the DSU_VERSION the program becomes' },
    { name: 'always-active', value: 'FN', multiple: true, help: 'treat FN as always on the stack (a main loop): its changed lines are reported as left out' },
    { name: 'require', value: 'FN', multiple: true, help: 'refuse the patch when FN changed but cannot be replaced' },
    { name: 'keep', help: 'keep the build directories' },
    { name: 'output', short: 'o', value: 'PATCH.so', complete: 'file', help: 'where to write the patch (required)' },
    jsonOption('the report'),
  ],
  positional: 'none',
  run: mkpatchRun,
};
