// ledger-v1 as a patch-case target: lines in ("set I V", "get I", "fee N",
// "guard"), one answer line out per line.
import { expect } from 'vitest';
import { DsuProgram, startUnderDsu } from './patching.js';
import type { CaseTarget } from './patch-targets.js';

export class Ledger {
  private offset: number;

  private constructor(readonly dsu: DsuProgram) {
    this.offset = dsu.stdout().indexOf('ledger ready\n') + 'ledger ready\n'.length;
  }

  static async start(binary: string, dsuOptions: string[] = []): Promise<Ledger> {
    return new Ledger(await startUnderDsu(binary, [], /^ledger ready\n/m, dsuOptions));
  }

  /** Sends one line and returns the program's answer line. */
  async ask(line: string): Promise<string> {
    this.dsu.write(line + '\n');
    const m = await this.dsu.waitForOutput(/^(.*)\n/m, 60_000, this.offset);
    this.offset += m.index + m[0].length;
    return m[1];
  }

  async stop(): Promise<void> {
    this.dsu.child.stdin!.end();
    await this.dsu.stop();
  }
}

export async function ledgerTarget(binary: string): Promise<CaseTarget> {
  const l = await Ledger.start(binary);
  let fees = 0;
  return {
    dsu: l.dsu,
    async prepare() {
      expect(await l.ask('set 1 10')).toBe('set 0');
      expect(await l.ask('fee 1000')).toBe('net 990 fees 10');
      fees = 10;
    },
    async answers() {
      expect(await l.ask('get 1')).toBe('get 10');
      expect(await l.ask('guard')).toBe('guard 12345');
    },
    async expectOldCodeAndState() {
      fees += 10;
      expect(await l.ask('fee 1000')).toBe(`net 990 fees ${fees}`);
      expect(await l.ask('get 1')).toBe('get 10');
    },
    stop: () => l.stop(),
  };
}
