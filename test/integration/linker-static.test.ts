// Linking into a static program: no libraries are loaded, so every name
// binds in the executable, libc's functions included (its own copies), and
// a libc function the program was not linked with is missing, with a hint.
import { afterAll, beforeAll, expect, test } from 'vitest';
import fs from 'node:fs';
import { HOST_STATIC, LinkHost, linktestObject, readelfSymbols, snapshot, startLinkHost } from '../helpers/link-host.js';
import { applyLink, planLink, unlink, LinkError } from '../../loader/link/index.js';

let host: LinkHost;

beforeAll(async () => {
  host = await startLinkHost(HOST_STATIC);
});

afterAll(async () => {
  expect(await host.quit()).toEqual({ code: 42 });
});

const hostSymbols = readelfSymbols(HOST_STATIC).filter((s) => s.table === '.symtab' && s.ndx !== 'UND');

function link(name: string) {
  const file = linktestObject(name);
  return applyLink(planLink(fs.readFileSync(file), file, host.target()));
}

test('the program is one module; the object goes just below it', async () => {
  expect(host.modules().map((m) => m.kind)).toEqual(['exe']);
  const linked = await link('old.so');
  try {
    expect(linked.end).toBe(host.session.proc.exe!.start);
    expect(linked.resolutions.get('dsu.old.host-b.c:counter')).toMatchObject({ address: host.address('counter', 'host-b.c'), from: 'old:exe-static(host-b.c)' });
    // fopen is the executable's own copy of libc's
    expect(linked.resolutions.get('dsu.old.fopen')).toMatchObject({ address: host.address('fopen'), from: 'old:exe' });
  } finally {
    unlink(linked);
  }
});

test('libc functions the program contains bind to its copies', async () => {
  const linked = await link('ifunc.so');
  try {
    for (const name of ['memcpy', 'strlen']) {
      const s = hostSymbols.find((x) => x.name === name && x.bind !== 'LOCAL')!;
      expect(linked.resolutions.get(name)).toMatchObject({ address: s.value, from: 'exe', ifunc: s.type === 'IFUNC' });
    }
  } finally {
    unlink(linked);
  }
});

test('those it does not contain are listed, with the library the object needs', () => {
  const file = linktestObject('basic.so');
  const defined = new Set(hostSymbols.filter((s) => s.type === 'FUNC' || s.type === 'OBJECT' || s.type === 'IFUNC').map((s) => s.name));
  const missing = readelfSymbols(file).filter((s) => s.table === '.dynsym' && s.ndx === 'UND' && s.bind === 'GLOBAL' && !defined.has(s.name)).map((s) => s.name);
  expect(missing.length).toBeGreaterThan(0);
  const before = snapshot(host.session.proc);
  let error: unknown;
  try {
    planLink(fs.readFileSync(file), file, host.target());
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(LinkError);
  const e = error as LinkError;
  expect(e.subjects('unresolved').sort()).toEqual(missing.sort());
  expect(e.message).toContain('@GLIBC_2.0 (searched host.static)');
  expect(e.subjects('object')).toEqual(['libc.so.6']);
  expect(snapshot(host.session.proc)).toEqual(before);
});
