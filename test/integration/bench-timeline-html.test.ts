// The patching bench's picture (scripts/bench/timeline-html.ts) rendered by
// a real browser: headless Chromium runs the page's inline script, and the
// DOM it dumps must hold one point per bucket of each series with the
// data's values, the patch markers on both charts, and a table row per
// patch with its pause and stall.
import { expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { timelineHtml, type Timeline } from '../../scripts/bench/timeline-html.js';

const BUCKETS = 25;
const data: Timeline = {
  title: 'kvstore <test> & patches',
  bucketMs: 100,
  buckets: Array.from({ length: BUCKETS }, (_, i) => ({ atMs: i * 100, requestsPerSecond: 1000 + i * 37, p99Ms: i === 7 ? NaN : 0.5 + i / 10 })),
  patches: [
    { atMs: 400, pauseMs: 1.25, stallMs: 12.5 },
    { atMs: 1100, pauseMs: 0.75, stallMs: 4.125 },
    { atMs: 1800, pauseMs: 2.5, stallMs: 31 },
  ],
};

function chromium(): string {
  for (const name of ['chromium', 'chromium-browser']) if (spawnSync(name, ['--version']).status === 0) return name;
  throw new Error('chromium is not installed (scripts/setup.sh installs Debian\'s chromium)');
}

test('headless Chromium draws both series, the patch markers and the patch table from the data', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-timeline-'));
  try {
    const file = path.join(dir, 'timeline.html');
    fs.writeFileSync(file, timelineHtml(data));
    const r = spawnSync(chromium(), ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${path.join(dir, 'profile')}`, '--dump-dom', `file://${file}`], { encoding: 'utf8', timeout: 90_000 });
    expect(r.status, r.stderr).toBe(0);
    const dom = r.stdout;
    const values = (series: string): number[] =>
      [...dom.matchAll(new RegExp(`<circle class="point ${series}"[^>]*data-value="([^"]+)"`, 'g'))].map((m) => Number(m[1]));
    expect(values('requestsPerSecond')).toEqual(data.buckets.map((b) => b.requestsPerSecond));
    // the empty bucket (no request completed) has no latency point
    expect(values('p99Ms')).toEqual(data.buckets.filter((b) => Number.isFinite(b.p99Ms)).map((b) => b.p99Ms));
    const polyline = (series: string): number => (new RegExp(`<polyline class="series ${series}"[^>]*points="([^"]*)"`).exec(dom)?.[1] ?? '').trim().split(/\s+/).length;
    expect(polyline('requestsPerSecond')).toBe(BUCKETS);
    expect(polyline('p99Ms')).toBe(BUCKETS - 1);
    // a marker per patch on each of the two charts, titled with its pause and stall
    expect(dom.match(/<g class="patch">/g)?.length).toBe(2 * data.patches.length);
    expect(dom).toContain('patch at 1.80 s: pause 2.500 ms, stall 31.000 ms');
    const rows = [...dom.matchAll(/<tr class="patch-row"><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => m.slice(1));
    expect(rows).toEqual([['0.40', '1.250', '12.500'], ['1.10', '0.750', '4.125'], ['1.80', '2.500', '31.000']]);
    // the title is text, not markup
    expect(dom).toContain('<title>kvstore &lt;test&gt; &amp; patches</title>');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
