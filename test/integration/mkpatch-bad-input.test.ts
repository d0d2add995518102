// dsu mkpatch on bad input: each a clear one-line error, exit status 1 and
// no patch written. Trees that do not build, a build that links no
// program, two identical trees, a --program that is not the old build, a
// transfer that does not compile, and names that do not exist.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { MKPATCH_SAMPLES, mkpatchCli, ruleArgs, ruleBuild, ruleProgram } from '../helpers/mkpatch.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-mkpatch-bad-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A copy of a rule's version, optionally with one file rewritten. */
function treeFrom(rule: string, version: string, name: string, edit?: (calc: string) => string): string {
  const dir = path.join(scratch, name);
  fs.cpSync(path.join(MKPATCH_SAMPLES, rule, version), dir, { recursive: true });
  if (edit) fs.writeFileSync(path.join(dir, 'calc.c'), edit(fs.readFileSync(path.join(dir, 'calc.c'), 'utf8')));
  return dir;
}

/** Runs dsu mkpatch and expects exactly one error line matching `line`, exit 1 and nothing written. */
async function expectError(args: string[], line: RegExp): Promise<void> {
  const r = await mkpatchCli(args);
  expect(r.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
  expect(r.stderr).toMatch(line);
  expect(r.status).toBe(1);
  expect(fs.existsSync(r.output)).toBe(false);
}

const v1 = path.join(MKPATCH_SAMPLES, 'inline-static', 'v1');
const program = ['--program', ruleProgram('inline-static', 'v1')];
const build = ['--build', ruleBuild('inline-static')];

describe('dsu mkpatch refuses bad input with one line', () => {
  test('a new tree that does not build', async () => {
    const broken = treeFrom('inline-static', 'v2', 'broken', (s) => s.replace('return x * 4;', 'return x * ;'));
    await expectError(['--old', v1, '--new', broken, ...build, ...program],
      /^dsu mkpatch: the new tree does not build: 'gcc .* -o prog \*\.c' exited with status 1: .*calc\.c:4:16: error: expected expression before .;. token\n$/);
  });

  test('a build command that links no program', async () => {
    const v2 = treeFrom('inline-static', 'v2', 'v2');
    await expectError(['--old', v1, '--new', v2, '--build', 'gcc -m32 -c calc.c', ...program],
      /^dsu mkpatch: the old build \('gcc -m32 -c calc\.c'\) produced no program: no gcc link of an executable was seen \(is the compiler called by an absolute path\?\)\n$/);
  });

  test('two identical trees: nothing changed', async () => {
    const same = treeFrom('inline-static', 'v1', 'same');
    await expectError(['--old', v1, '--new', same, ...build, ...program], /^dsu mkpatch: nothing changed between the two builds: no patch to make\n$/);
    await expectError(['--old', v1, '--new', v1, ...build, ...program], /^dsu mkpatch: --old and --new are the same directory: nothing changed\n$/);
  });

  test('a --program that is not the old build', async () => {
    await expectError(ruleArgs('inline-static').map((a) => a.replace(/inline-static-v1$/, 'inline-static-v2')),
      /^dsu mkpatch: --program \S+inline-static-v2 is not the old build: 2 of 4 functions differ \(compute_a, compute_b\)\n$/);
    await expectError(ruleArgs('inline-static').map((a) => a.replace(/inline-static-v1$/, 'new-static-v1')),
      /^dsu mkpatch: --program \S+new-static-v1 is not the old build: 2 of 4 functions differ \(compute_a, compute_b\)\n$/);
    await expectError(ruleArgs('inline-static').map((a) => a.replace(/inline-static-v1$/, 'no-such-program')),
      /^dsu mkpatch: \S+no-such-program: cannot read the program: no such file\n$/);
  });

  test('a transfer that does not compile, or names a file the build does not have', async () => {
    const bad = path.join(scratch, 'bad-transfer.c');
    fs.writeFileSync(bad, 'int dsu_transfer(void)\n{\n    return missing_variable;\n}\n');
    await expectError(ruleArgs('inline-static', ['--transfer', `calc.c=${bad}`]),
      /^dsu mkpatch: the transfer \S+bad-transfer\.c does not compile \(appended to calc\.c\): \S+bad-transfer\.c:3:12: error: 'missing_variable' undeclared \(first use in this function\)\n$/);
    await expectError(ruleArgs('inline-static', ['--transfer', `store.c=${bad}`]),
      /^dsu mkpatch: --transfer store\.c=\.\.\.: the new build compiles no store\.c into the program \(it has calc\.c, main\.c\)\n$/);
    await expectError(ruleArgs('inline-static', ['--transfer', 'calc.c']), /^dsu mkpatch: --transfer calc\.c: expected NEW_FILE\.c=TRANSFER\.c\n$/);
  });

  test('a tree that does not exist', async () => {
    await expectError(['--old', path.join(scratch, 'nowhere'), '--new', v1, ...build], /^dsu mkpatch: \S+nowhere: no such directory\n$/);
  });
});
