// `dsu mkpatch`: the patch generator's command line (patchgen/).
import { loadCapstone } from 'capstone-wasm';
import { parseArgs, UsageError } from './args.js';
import { mkpatch, MkpatchError } from '../patchgen/mkpatch.js';
import { formatReport } from '../patchgen/report.js';
import { BuildError } from '../patchgen/build/capture.js';
import { TransferError } from '../patchgen/transfer.js';
import { ProgramError } from '../patchgen/program.js';
import { IdentityMismatch } from '../patchgen/identity.js';
import { PatchLinkError } from '../patchgen/emit/link.js';
import { ObjectError } from '../patchgen/object/relocatable.js';
import { EmitError } from '../patchgen/emit/emit-unit.js';
import { escapeStrings, printError, printJson, printOut } from './output.js';

const MKPATCH_USAGE = `usage: dsu mkpatch --old OLD_DIR --new NEW_DIR [--build 'CMD'] [--transfer NEW_FILE.c=TRANSFER.c]...
                   [--program BINARY] [--target NAME] [--version NAME] [--always-active FN]... [--require FN]...
                   [--json] -o PATCH.so`;

const USER_ERRORS = [MkpatchError, BuildError, TransferError, ProgramError, IdentityMismatch, PatchLinkError, ObjectError, EmitError];

export async function mkpatchCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv, {
    values: ['old', 'new', 'build', 'transfer', 'program', 'target', 'version', 'o', 'output', 'always-active', 'require'],
    repeatable: ['transfer', 'always-active', 'require'],
    flags: ['json', 'keep', 'help'],
    interspersed: true,
  });
  if (p.flags.has('help')) {
    printOut(MKPATCH_USAGE + '\n');
    return 0;
  }
  const one = (name: string): string | null => p.options.get(name)?.[0] ?? null;
  const output = one('o') ?? one('output');
  if (!one('old') || !one('new') || !output) throw new UsageError(`mkpatch needs --old, --new and -o\n${MKPATCH_USAGE}`);
  if (p.rest.length > 0) throw new UsageError(`mkpatch takes no arguments besides its options (got ${p.rest.join(' ')})\n${MKPATCH_USAGE}`);
  const json = p.flags.has('json');
  // the program's code is compared by instruction (loader/identity/code-shape.ts)
  await loadCapstone();
  try {
    const report = mkpatch({
      old: one('old')!, new: one('new')!, build: one('build') ?? 'make', transfers: p.options.get('transfer') ?? [],
      program: one('program'), target: one('target'), version: one('version'), output,
      alwaysActive: p.options.get('always-active') ?? [], require: p.options.get('require') ?? [], keep: p.flags.has('keep'),
    });
    if (json) printJson(report);
    else printOut(formatReport(escapeStrings(report)));
    return report.ok ? 0 : 1;
  } catch (e) {
    if (USER_ERRORS.some((c) => e instanceof c)) {
      const message = (e as Error).message;
      if (json) printJson({ ok: false, error: message });
      printError('dsu mkpatch', message);
      return 1;
    }
    throw e;
  }
}
