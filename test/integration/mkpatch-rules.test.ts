// dsu mkpatch's rules, one pair of versions each (c-samples/mkpatch/RULE):
// the generator must decide exactly what the rule says (replaced, added,
// copied in, left out, refused), and the patch must turn the running v1
// (built apart, by c-samples/mk/mkpatch.mk) into a program that answers like
// v2 natively does.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { applyOk, DsuProgram, startUnderDsu } from '../helpers/patching.js';
import { decided, MKPATCH_SAMPLES, mkpatchCli, mkpatchOk, ruleArgs, ruleProgram } from '../helpers/mkpatch.js';

const INPUTS = ['3', '-4', '10', '0', '7'];

let running: DsuProgram | null = null;
afterEach(async () => {
  await running?.stop();
  running = null;
});

/** The program's answers to INPUTS, natively. */
function native(rule: string, version: 'v1' | 'v2'): string[] {
  const r = spawnSync(ruleProgram(rule, version), [], { input: INPUTS.join('\n') + '\n', encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout.split('\n').filter((l) => l.startsWith('a='));
}

/** Feeds INPUTS to the program under dsu and returns its answers. */
async function answers(p: DsuProgram): Promise<string[]> {
  const out: string[] = [];
  for (const x of INPUTS) {
    const from = p.stdout().length;
    p.write(`${x}\n`);
    const m = await p.waitForOutput(/^a=.*\n/m, 60_000, from);
    out.push(m[0].trimEnd());
  }
  return out;
}

/** v1 under dsu answers like native v1; after the patch, like native v2. */
async function patchedLikeV2(rule: string, patch: string): Promise<void> {
  running = await startUnderDsu(ruleProgram(rule, 'v1'), [], /^ready\n/m);
  expect(await answers(running)).toEqual(native(rule, 'v1'));
  await applyOk(running.socket, patch);
  expect(await answers(running)).toEqual(native(rule, 'v2'));
}

describe('dsu mkpatch rules', () => {
  test('a changed static inlined into its callers: the callers are replaced', async () => {
    const r = await mkpatchOk(ruleArgs('inline-static'));
    expect(decided(r)).toEqual({ replaced: ['compute_a', 'compute_b'], added: [], copiedIn: [], leftOut: [] });
    for (const f of r.decisions.replaced) expect(f.reasons).toContain('inlines scale, whose source changed (line 4)');
    expect(r.decisions.bound).toEqual([]);
    await patchedLikeV2('inline-static', r.patch);
  });

  test('a clone (constprop, isra) is matched to the program\'s and replaced alone', async () => {
    const r = await mkpatchOk(ruleArgs('clone'));
    expect(decided(r)).toEqual({ replaced: ['weigh.constprop.0.isra.0'], added: [], copiedIn: [], leftOut: [] });
    await patchedLikeV2('clone', r.patch);
  });

  test('a new static function is added with the function that calls it', async () => {
    const r = await mkpatchOk(ruleArgs('new-static'));
    expect(decided(r)).toEqual({ replaced: ['compute_c'], added: ['clamp'], copiedIn: [], leftOut: [] });
    expect(r.decisions.added[0]).toMatchObject({ kind: 'function', local: true });
    await patchedLikeV2('new-static', r.patch);
  });

  test('new variables are defined by the patch with their initial values', async () => {
    const r = await mkpatchOk(ruleArgs('new-variable'));
    expect(decided(r)).toEqual({ replaced: ['compute_a', 'compute_c'], added: ['calls', 'last_a'], copiedIn: [], leftOut: [] });
    expect(r.decisions.added.map((a) => a.kind)).toEqual(['variable', 'variable']);
    await patchedLikeV2('new-variable', r.patch);
  });

  test('a changed constant table: the function reading it is replaced and takes the new table', async () => {
    const r = await mkpatchOk(ruleArgs('constant-table'));
    expect(decided(r)).toEqual({ replaced: ['compute_b'], added: [], copiedIn: [], leftOut: [] });
    expect(r.decisions.replaced[0].reasons).toEqual(['uses weights, a constant that changed']);
    await patchedLikeV2('constant-table', r.patch);
  });

  test('an unchanged function the program does not have (dropped by --gc-sections) is copied in', async () => {
    const r = await mkpatchOk(ruleArgs('gc-copied'));
    expect(decided(r)).toEqual({ replaced: ['compute_c'], added: [], copiedIn: ['helper'], leftOut: [] });
    await patchedLikeV2('gc-copied', r.patch);
  });

  test('a function and its cold part are replaced together', async () => {
    const r = await mkpatchOk(ruleArgs('cold'));
    expect(decided(r)).toEqual({ replaced: ['check', 'check.cold'], added: [], copiedIn: [], leftOut: [] });
    await patchedLikeV2('cold', r.patch);
  });

  test('only string labels, order and comments changed: nothing changed, no patch', async () => {
    const r = await mkpatchCli(ruleArgs('renumber'));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('dsu mkpatch: nothing changed between the two builds: no patch to make\n');
    expect(fs.existsSync(r.output)).toBe(false);
  });

  test('a changed main is left out (it never returns); --require main refuses', async () => {
    const r = await mkpatchOk(ruleArgs('changed-main'));
    expect(decided(r)).toEqual({ replaced: ['compute_c'], added: [], copiedIn: [], leftOut: ['main'] });
    expect(r.decisions.leftOut[0].because).toBe('main never returns');
    // the banner (start-up, already ran) and the output line (in the loop) will not take effect
    expect(r.leftOutLines).toEqual([{ unit: 'main.c', function: 'main', file: 'main.c', startup: [13], loop: [16], removed: [], unknown: null }]);
    running = await startUnderDsu(ruleProgram('changed-main', 'v1'), [], /^ready\n/m);
    const before = await answers(running);
    await applyOk(running.socket, r.patch);
    // main's own lines stay old (no sum=), compute_c is v2's
    const after = await answers(running);
    expect(after).toEqual(before.map((line, i) => line.replace(/c=-?\d+$/, `c=${Number(INPUTS[i]) + 8}`)));

    const required = await mkpatchCli(ruleArgs('changed-main', ['--require', 'main']));
    expect(required.status).toBe(1);
    expect(required.report?.refused).toEqual(['--require main: main changed but cannot be replaced (main never returns)']);
    expect(fs.existsSync(required.output)).toBe(false);
  });

  test('a global struct that grew: refused without a transfer, new storage converted with one', async () => {
    const refused = await mkpatchCli(ruleArgs('changed-struct'));
    expect(refused.status).toBe(1);
    // the skeleton it writes is complete for a struct that only gained a member: it works as it is
    expect(refused.report?.skeleton).toBe(path.join(path.dirname(refused.output), 'TRANSFER.skeleton.c'));
    expect(refused.report?.skeletonDecisions).toBe(0);
    const skeleton = refused.report!.skeleton!;
    expect(fs.readFileSync(skeleton, 'utf8')).toContain('    totals.count = old_totals.count;\n    /* totals.max: new, starts at zero */\n    totals.sum = old_totals.sum;\n');
    // the first difference as the DWARF reader words it (loader/dwarf compareLayouts)
    expect(refused.report?.refused).toHaveLength(1);
    expect(refused.report!.refused[0]).toMatch(/^variable totals \(calc\.c\) changed \(struct totals totals: .*long long int sum at offset 4 -> int max at offset 4\): give a --transfer that converts it$/);
    expect(fs.existsSync(refused.output)).toBe(false);

    const transfer = path.join(MKPATCH_SAMPLES, 'changed-struct', 'transfer.c');
    const r = await mkpatchOk(ruleArgs('changed-struct', ['--transfer', `calc.c=${transfer}`]));
    expect(decided(r)).toEqual({ replaced: ['compute_a', 'compute_b', 'compute_c'], added: ['dsu_transfer'], copiedIn: ['totals'], leftOut: [] });
    const fromSkeleton = await mkpatchOk(ruleArgs('changed-struct', ['--transfer', `calc.c=${skeleton}`]));
    expect(decided(fromSkeleton)).toEqual({ replaced: ['compute_a', 'compute_b', 'compute_c'], added: ['dsu_rollback', 'dsu_transfer'], copiedIn: ['totals'], leftOut: [] });
    expect(r.variables.changed).toMatchObject([{ name: 'totals', converted: true, storage: true, type: 'struct totals totals' }]);
    running = await startUnderDsu(ruleProgram('changed-struct', 'v1'), [], /^ready\n/m);
    const before = await answers(running); // count 1..5, sum 16
    expect(before.map((l) => l.split(' ')[0])).toEqual(['a=1', 'a=2', 'a=3', 'a=4', 'a=5']);
    // the skeleton's transfer, generated and unedited, converts the state
    const report = await applyOk(running.socket, fromSkeleton.patch);
    expect(report.transfer).toBe('ok');
    // the count and the sum carried into the new layout, max starting at 0; printf's
    // arguments are evaluated last first (c, b, then a, which updates totals)
    const totals = { count: 5, sum: 16, max: 0 };
    const expected = INPUTS.map(Number).map((x) => {
      const c = x + totals.max;
      const b = totals.sum - x;
      totals.count++;
      totals.sum += x;
      totals.max = Math.max(totals.max, x);
      return `a=${totals.count} b=${b} c=${c}`;
    });
    expect(await answers(running)).toEqual(expected);
  });

  test('a list whose nodes gained a field (the variable keeps its size): refused without a transfer, converted in place with one', async () => {
    const refused = await mkpatchCli(ruleArgs('changed-pointee'));
    expect(refused.status).toBe(1);
    expect(refused.report?.refused).toHaveLength(1);
    expect(refused.report!.refused[0]).toMatch(/^variable head \(calc\.c\) changed \(struct node \*head: ->.*struct node \*next at offset 4 -> int doubled at offset 4\): give a --transfer that converts it$/);
    // records behind a pointer: the skeleton marks what a human must write, and cannot be used unfinished
    expect(refused.report?.skeletonDecisions).toBe(3);
    const unfinished = await mkpatchCli(ruleArgs('changed-pointee', ['--transfer', `calc.c=${refused.report!.skeleton!}`]));
    expect(unfinished.status).toBe(1);
    expect(unfinished.stderr).toMatch(/^dsu mkpatch: the transfer \S+TRANSFER\.skeleton\.c does not compile \(appended to calc\.c\): \S+TRANSFER\.skeleton\.c:\d+:\d+: error: #error "DSU-TODO: n->next points to a struct node in the old layout: point it to the converted record"\n$/);

    const transfer = path.join(MKPATCH_SAMPLES, 'changed-pointee', 'transfer.c');
    const r = await mkpatchOk(ruleArgs('changed-pointee', ['--transfer', `calc.c=${transfer}`]));
    expect(decided(r)).toEqual({ replaced: ['compute_a', 'compute_b', 'compute_c'], added: ['dsu_transfer'], copiedIn: [], leftOut: [] });
    // the list head keeps its storage: bound to the program, its nodes rebuilt by the transfer
    expect(r.variables.changed).toMatchObject([{ name: 'head', converted: true, storage: false }]);
    expect(r.decisions.bound.map((b) => b.as)).toEqual(['dsu.old.calc.c:head']);
    running = await startUnderDsu(ruleProgram('changed-pointee', 'v1'), [], /^ready\n/m);
    await answers(running); // five nodes: 3, -4, 10, 0, 7
    expect((await applyOk(running.socket, r.patch)).transfer).toBe('ok');
    // v2 sums `doubled`, which the transfer filled for the old nodes; printf evaluates c, b, then a (which pushes)
    const list = [3, -4, 10, 0, 7];
    const expected = INPUTS.map(Number).map((x) => {
      const c = list.length + x;
      const b = 2 * list.reduce((s, v) => s + v, 0) - x;
      list.push(x);
      return `a=${x} b=${b} c=${c}`;
    });
    expect(await answers(running)).toEqual(expected);
  });
});
