// Native tier: it checks the samples' sources and READMEs, not dsu, so it
// runs only when asked (npm run test:native).
// The sample servers' sources (c-samples/kvstore, c-samples/httpd) are one
// complete directory per version; their READMEs show the exact diffs
// between versions. Check that the READMEs tell the truth and that the
// versions really are "the previous one plus a diff to a few files".
import { describe, expect, test } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from '../helpers/run.js';
import { exec } from '../helpers/servers.js';

const SERVERS: Record<string, string[]> = {
  kvstore: ['v1', 'v2', 'v3'],
  httpd: ['v1', 'v2'],
};

/** The diff the README shows: changed files of `to`, in name order. */
async function versionDiff(dir: string, from: string, to: string): Promise<string> {
  let out = '';
  for (const name of fs.readdirSync(path.join(dir, to)).sort()) {
    const r = await exec('diff', ['-u', '--label', `${from}/${name}`, '--label', `${to}/${name}`, path.join(dir, from, name), path.join(dir, to, name)]);
    if (r.status === 2) throw new Error(r.stderr);
    out += r.stdout;
  }
  return out;
}

/** The ```diff blocks of a README, in order. */
function readmeDiffs(readme: string): string[] {
  return [...readme.matchAll(/```diff\n([\s\S]*?)```/g)].map((m) => m[1]);
}

describe.each(Object.entries(SERVERS))('%s sources', (server, versions) => {
  const dir = path.join(REPO, 'c-samples', server);

  test('every version directory has the same files', () => {
    const files = versions.map((v) => fs.readdirSync(path.join(dir, v)).sort());
    for (const f of files) expect(f).toEqual(files[0]);
    expect(files[0].filter((f) => f.endsWith('.c')).length).toBeGreaterThanOrEqual(5);
  });

  test('the README shows the exact diff between consecutive versions', async () => {
    const shown = readmeDiffs(fs.readFileSync(path.join(dir, 'README.md'), 'utf8'));
    const actual: string[] = [];
    for (let i = 1; i < versions.length; i++) actual.push(await versionDiff(dir, versions[i - 1], versions[i]));
    expect(shown).toEqual(actual);
    for (const d of actual) {
      const changed = d.match(/^\+\+\+ /gm)?.length ?? 0;
      expect(changed).toBeGreaterThan(0);
      expect(changed).toBeLessThanOrEqual(4);
    }
  });

  test('no source file is over 500 lines', () => {
    for (const v of versions) {
      for (const f of fs.readdirSync(path.join(dir, v))) {
        const lines = fs.readFileSync(path.join(dir, v, f), 'utf8').split('\n').length - 1;
        expect([`${v}/${f}`, lines <= 500]).toEqual([`${v}/${f}`, true]);
      }
    }
  });
});
