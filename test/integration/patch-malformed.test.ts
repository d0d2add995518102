// Malformed patches that a linker without dlopen's checks would map over or
// next to the running program: each is refused with one line naming what is
// wrong, and the program runs on, on its old code, its count intact. The
// first was once accepted ("patch #1 applied"): with e_phnum = 1 only the
// patch's first page was mapped, its functions' addresses fell into the
// program's text, and the next request crashed the server.
import { afterAll, beforeAll, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PATCH } from '../helpers/patch-cases.js';
import { control, statusCli } from '../helpers/patching.js';
import { Counter } from '../helpers/patch-targets.js';
import { Editor, layoutOf, PHDR } from '../helpers/elf-mutate.js';

const base = new Uint8Array(fs.readFileSync(PATCH('counter-v1-v2')));
const layout = layoutOf(base);
const loads = layout.phdrs.filter((p) => p.type === 1);
const section = (name: string) => layout.sections.find((s) => s.name === name)!;

let counter: Counter;
let dir = '';
let num = 0;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-patch-malformed-'));
  counter = await Counter.start();
  expect(await counter.send('1 2')).toEqual({ f: 3, num: ++num });
}, 120_000);

afterAll(async () => {
  await counter?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const cases: [string, () => Uint8Array, RegExp][] = [
  ['e_phnum = 1', () => new Editor(base).u16(44, 1).bytes, /cannot link: the object has no dynamic section \(PT_DYNAMIC\);.* lies outside the loaded segments/],
  ['the code segment made non-executable', () => new Editor(base).u32(loads[1].at + PHDR.flags, 4).bytes, /section \.text .* holds code but its segment is not executable/],
  ['the code segment moved off its file offset', () => new Editor(base).u32(loads[1].at + PHDR.offset, loads[1].offset + 0x1000).bytes, /section \.text .* is not at the file offset its segment maps there/],
  ['a relocation aimed at the code', () => new Editor(base).u32(section('.rel.dyn').offset, section('.text').addr + 4).bytes, /is in a read-only segment, and the object declares no text relocations/],
];

test.each(cases)('%s: refused in one line, the program unharmed', async (label, make, message) => {
  const file = path.join(dir, `${label.replace(/\W+/g, '-')}.so`);
  fs.writeFileSync(file, make());
  const r = await control(counter.socket, 'patch', { path: file, timeoutMs: 5000 });
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.error).toMatch(message);
  expect(r.error.split('\n')).toHaveLength(1);
  // v1's code (f = a + b), the count moving on by one
  expect(await counter.send('20 22')).toEqual({ f: 42, num: ++num });
  expect((await statusCli(counter.socket)).patches).toEqual([]);
}, 120_000);
