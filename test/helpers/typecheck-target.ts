// typecheck-v1 as a patch-case target (the tc-* cases of the type checks):
// lines in, one answer line out per line. prepare() builds state in every
// part a case touches (connections, stats, the opened counter); afterwards
// it must continue exactly from there.
import { expect } from 'vitest';
import { DsuProgram, startUnderDsu } from './patching.js';
import type { CaseTarget } from './patch-targets.js';

export async function typecheckTarget(binary: string): Promise<CaseTarget> {
  const dsu: DsuProgram = await startUnderDsu(binary, [], /^typecheck ready\n/m, []);
  let offset = dsu.stdout().indexOf('typecheck ready\n') + 'typecheck ready\n'.length;
  const ask = async (line: string): Promise<string> => {
    dsu.write(line + '\n');
    const m = await dsu.waitForOutput(/^(.*)\n/m, 60_000, offset);
    offset += m.index + m[0].length;
    return m[1];
  };
  /** The same state whatever the version: answers may gain a "(v2)" or a max, numbers may not change. */
  const common = async (opened: number, stats: string): Promise<void> => {
    expect(await ask('show')).toMatch(/^conns 7:bob 5:alice$/);
    expect(await ask('stat 4')).toMatch(new RegExp(`^stats ${stats}( max \\d+)?$`));
    expect(await ask('report')).toMatch(new RegExp(`^opened ${opened}( \\(v2\\))?$`));
    expect(await ask('cfg')).toBe('config 80 2');
    expect(await ask('calc 2')).toBe('calc 7 18');
    expect(await ask('limit 2')).toBe('limit 30');
  };
  let round = 0;
  return {
    dsu,
    async prepare() {
      expect(await ask('open 5 alice')).toBe('open 1');
      expect(await ask('open 7 bob')).toBe('open 2');
      expect(await ask('stat 3')).toBe('stats 1 3');
      expect(await ask('report')).toBe('opened 2');
    },
    async answers() {
      await common(2, '2 7');
      expect(await ask('open 9 carol')).toBe('open 3');
      expect(await ask('show')).toBe('conns 9:carol 7:bob 5:alice');
    },
    async expectOldCodeAndState() {
      // the old code's exact answers, from the state prepare() left
      round++;
      expect(await ask('show')).toBe('conns 7:bob 5:alice');
      expect(await ask('stat 4')).toBe(`stats ${1 + round} ${3 + 4 * round}`);
      expect(await ask('report')).toBe('opened 2');
      expect(await ask('cfg')).toBe('config 80 2');
      expect(await ask('calc 2')).toBe('calc 7 18');
      expect(await ask('limit 2')).toBe('limit 30');
    },
    async stop() {
      dsu.child.stdin!.end();
      await dsu.stop();
    },
  };
}
