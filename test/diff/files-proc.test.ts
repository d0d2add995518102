// /proc/self/maps as the guest sees it, against the same program run
// natively: addresses differ, but the format, the files named, their device
// and inode numbers and the file offsets of the code mappings must not.
import { describe, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, runDsu, runNative } from '../helpers/run.js';

const MAPS_LINE = /^([0-9a-f]{8})-([0-9a-f]{8}) ([r-][w-][x-][ps]) ([0-9a-f]{8}) ([0-9a-f]{2}:[0-9a-f]{2}) (\d+) ?(.*)$/;

interface Mapping {
  perms: string;
  offset: string;
  dev: string;
  inode: string;
  name: string;
}

function parseMaps(text: string): Mapping[] {
  const lines = text.split('\n').filter((l) => /^[0-9a-f]{8}-/.test(l));
  expect(lines.length).toBeGreaterThan(3);
  return lines.map((line) => {
    const m = MAPS_LINE.exec(line);
    expect(m, line).not.toBeNull();
    const [, start, end, perms, offset, dev, inode, rest] = m!;
    expect(parseInt(start, 16)).toBeLessThan(parseInt(end, 16));
    const name = rest.trim();
    // names start in the kernel's column (73 on a 64-bit kernel)
    if (name.length > 0) expect(line.indexOf(name), line).toBe(73);
    return { perms, offset, dev, inode, name };
  });
}

async function mapsOf(run: typeof runNative, binary: string): Promise<Mapping[]> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-maps-'));
  try {
    const out = await run(binary, { cwd, args: ['cat:/proc/self/maps'] });
    expect(out.status).toBe(0);
    return parseMaps(out.stdout.toString());
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

/** The executable mappings of each file: what the code of a program is mapped from. */
function codeOf(maps: Mapping[]): string[] {
  return maps.filter((m) => m.perms === 'r-xp' && m.name.startsWith('/')).map((m) => `${m.name} ${m.offset} ${m.dev} ${m.inode}`).sort();
}

describe('/proc/self/maps', () => {
  for (const variant of ['dyn', 'static']) {
    test(`fs_ops (${variant}): the same files, devices, inodes and code offsets as natively`, async () => {
      const binary = path.join(BUILD, 'conformance', `fs_ops.${variant}`);
      const native = await mapsOf(runNative, binary);
      const emulated = await mapsOf((p, s) => runDsu(p, s), binary);
      const st = fs.statSync(binary);
      const own = emulated.filter((m) => m.name === binary);
      expect(own.length).toBeGreaterThan(0);
      for (const m of own) expect(m.inode).toBe(String(st.ino));
      expect(codeOf(emulated)).toEqual(codeOf(native));
      const names = (maps: Mapping[]): string[] => [...new Set(maps.map((m) => m.name).filter((n) => n.startsWith('/')))].sort();
      expect(names(emulated)).toEqual(names(native));
      expect(emulated.some((m) => m.name === '[stack]' && m.perms === 'rw-p')).toBe(true);
      expect(emulated.some((m) => m.name === '[heap]')).toBe(native.some((m) => m.name === '[heap]'));
    });
  }
});
