// How the linker binds names, checked on the words it writes: the running
// program's old version (dsu.old.NAME, dsu.old.FILE:NAME), statics of the
// executable bound by name, objects linked one after another, overrides and
// interposition, IFUNCs; and refusals that list every offending name while
// leaving the guest's memory byte for byte as it was.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { LinkHost, defaultVersionValue, linktestObject, readelfRelocations, snapshot, startLinkHost } from '../helpers/link-host.js';
import { applyLink, planLink, unlink, LinkError, LinkOptions, LinkedObject } from '../../loader/link/index.js';

let host: LinkHost;

beforeAll(async () => {
  host = await startLinkHost();
});

afterAll(async () => {
  expect(await host.quit()).toEqual({ code: 42 });
});

function plan(name: string, options: LinkOptions = {}) {
  const file = linktestObject(name);
  return planLink(fs.readFileSync(file), file, host.target(), options);
}

/** The word each relocation against `symbol` wrote (readelf's offsets), by relocation type. */
function slots(linked: LinkedObject, name: string, symbol: string): { type: string; value: number }[] {
  return readelfRelocations(linktestObject(name)).filter((r) => r.symbol === symbol)
    .map((r) => ({ type: r.type, value: host.u32(linked.bias + r.offset) }));
}

/** planLink's LinkError, with the guest checked untouched. */
function refusal(name: string, options: LinkOptions = {}): LinkError {
  const before = snapshot(host.session.proc);
  const linkedBefore = [...host.linked];
  let error: unknown = null;
  try {
    plan(name, options);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(LinkError);
  expect(snapshot(host.session.proc)).toEqual(before);
  expect(host.linked).toEqual(linkedBefore);
  return error as LinkError;
}

describe('the running program\'s old version and its statics', () => {
  let linked: LinkedObject;
  beforeAll(async () => {
    linked = await applyLink(plan('old.so'));
  });
  afterAll(() => unlink(linked));

  const cases: [symbol: string, name: string, file: string, from: string][] = [
    ['dsu.old.hits', 'hits', 'host-main.c', 'old:exe-static(host-main.c)'],
    ['dsu.old.host-a.c:counter', 'counter', 'host-a.c', 'old:exe-static(host-a.c)'],
    ['dsu.old.host-b.c:counter', 'counter', 'host-b.c', 'old:exe-static(host-b.c)'],
    ['dsu.old.calls.0', 'calls.0', 'host-main.c', 'old:exe-static(host-main.c)'],
    ['dsu.old.bump_hits', 'bump_hits', 'host-main.c', 'old:exe-static(host-main.c)'],
    ['hits', 'hits', 'host-main.c', 'exe-static(host-main.c)'],
  ];
  for (const [symbol, name, file, from] of cases) {
    test(`${symbol} is ${name} of ${file}`, () => {
      const expected = host.address(name, file);
      expect(linked.resolutions.get(symbol)).toMatchObject({ address: expected, from });
      const written = slots(linked, 'old.so', symbol);
      expect(written.length).toBeGreaterThan(0);
      for (const w of written) expect(w.value).toBe(expected);
    });
  }

  test('dsu.old.NAME of a global is the executable\'s', () => {
    for (const [symbol, name] of [['dsu.old.host_value', 'host_value'], ['dsu.old.b_tick', 'b_tick']]) {
      expect(linked.resolutions.get(symbol)).toMatchObject({ address: host.address(name), from: 'old:exe' });
      for (const w of slots(linked, 'old.so', symbol)) expect(w.value).toBe(host.address(name));
    }
  });

  test('dsu.old.NAME not in the executable is a library\'s, by its default version', () => {
    const libc = host.modules().find((m) => path.basename(m.path) === 'libc.so.6')!;
    const fopen = libc.bias + defaultVersionValue(fs.realpathSync(libc.path), 'fopen');
    expect(linked.resolutions.get('dsu.old.fopen')).toMatchObject({ address: fopen, from: 'old:lib:libc.so.6' });
    expect(slots(linked, 'old.so', 'dsu.old.fopen')).toEqual([{ type: 'R_386_32', value: fopen }]);
  });

  test('the two counters are different words', () => {
    expect(host.address('counter', 'host-a.c')).not.toBe(host.address('counter', 'host-b.c'));
    expect(host.u32(host.address('counter', 'host-a.c'))).toBe(101);
    expect(host.u32(host.address('counter', 'host-b.c'))).toBe(202);
  });
});

describe('refusals list every offending name and write nothing', () => {
  test('ambiguous statics, by plain and old name, with their candidates', () => {
    const e = refusal('ambiguous.so');
    expect(e.subjects('ambiguous').sort()).toEqual(['counter', 'dsu.old.counter']);
    const candidates = e.problems.find((p) => p.subject === 'counter')!.candidates!;
    expect(candidates).toEqual([
      `counter in host-a.c at 0x${host.address('counter', 'host-a.c').toString(16)}`,
      `counter in host-b.c at 0x${host.address('counter', 'host-b.c').toString(16)}`,
    ]);
    expect(e.message).toContain('dsu.old.host-a.c:counter');
  });

  test('missing names, every one of them; a weak one is not missing', () => {
    const e = refusal('missing.so');
    expect(e.subjects('unresolved').sort()).toEqual(['dsu.old.host-a.c:hits', 'dsu.old.no_such_static', 'no_such_data', 'no_such_function']);
    expect(e.message).not.toContain('maybe_there');
    expect(e.problems.find((p) => p.subject === 'dsu.old.host-a.c:hits')!.message).toContain('file-local in host-main.c');
  });

  test('thread-local storage, by relocation name', () => {
    const e = refusal('tls.so');
    expect(e.subjects('tls')).toEqual(['PT_TLS', 'R_386_TLS_DTPMOD32', 'R_386_TLS_DTPOFF32']);
    const dtpmod = readelfRelocations(linktestObject('tls.so')).find((r) => r.type === 'R_386_TLS_DTPMOD32')!;
    expect(e.message).toContain(`R_386_TLS_DTPMOD32 at 0x${dtpmod.offset.toString(16)} (symbol tls_counter)`);
  });

  test('IFUNCs without a resolveIfunc callback', () => {
    const e = refusal('ifunc.so');
    expect(e.subjects('ifunc').sort()).toEqual(['memcpy', 'strlen']);
  });
});

describe('IFUNCs through resolveIfunc', () => {
  test('each resolver is called once and what it returns is written', async () => {
    const libc = host.modules().find((m) => path.basename(m.path) === 'libc.so.6')!;
    const libcFile = fs.realpathSync(libc.path);
    const resolvers = new Map([
      [libc.bias + defaultVersionValue(libcFile, 'strlen'), 0x11110000],
      [libc.bias + defaultVersionValue(libcFile, 'memcpy'), 0x22220000],
    ]);
    const calls: number[] = [];
    const linked = await applyLink(plan('ifunc.so', {
      resolveIfunc: async (resolver) => {
        calls.push(resolver);
        const value = resolvers.get(resolver);
        if (value === undefined) throw new Error(`unexpected resolver 0x${resolver.toString(16)}`);
        return value;
      },
    }));
    try {
      expect(calls.sort()).toEqual([...resolvers.keys()].sort());
      expect(slots(linked, 'ifunc.so', 'strlen')).toEqual([{ type: 'R_386_JUMP_SLOT', value: 0x11110000 }]);
      // patch_copy = memcpy: R_386_32 with addend 0
      expect(slots(linked, 'ifunc.so', 'memcpy')).toEqual([{ type: 'R_386_32', value: 0x22220000 }]);
      expect(linked.resolutions.get('strlen')).toMatchObject({ ifunc: true, from: 'lib:libc.so.6' });
    } finally {
      unlink(linked);
    }
  });

  test('a failing resolver refuses the link before anything is written', async () => {
    const before = snapshot(host.session.proc);
    const p = plan('ifunc.so', { resolveIfunc: async () => { throw new Error('guest call failed'); } });
    await expect(applyLink(p)).rejects.toThrow(/IFUNC resolver of .* failed: guest call failed/);
    expect(snapshot(host.session.proc)).toEqual(before);
  });
});

describe('objects linked one after the other', () => {
  /** Links objects in turn and unlinks them all, newest first, whatever happens. */
  async function linkedInTurn(names: [string, LinkOptions?][], check: (objects: LinkedObject[]) => void): Promise<void> {
    const objects: LinkedObject[] = [];
    try {
      for (const [name, options] of names) objects.push(await applyLink(plan(name, options)));
      check(objects);
    } finally {
      for (const o of objects.reverse()) unlink(o);
    }
  }

  test('the second binds to the first\'s exports in load order', async () => {
    await linkedInTurn([['basic.so'], ['second.so']], ([first, second]) => {
      const data = first.exports.get('patch_data')!.address;
      const add = first.exports.get('patch_add')!.address;
      expect(second.resolutions.get('patch_data')).toMatchObject({ address: data, from: 'linked:basic.so' });
      expect(second.resolutions.get('patch_add')).toMatchObject({ address: add, from: 'linked:basic.so' });
      for (const w of slots(second, 'second.so', 'patch_data')) expect(w.value).toBe(data);
      for (const w of slots(second, 'second.so', 'patch_add')) expect(w.value).toBe(add);
      expect(second.module.order).toBeGreaterThan(first.module.order);
      expect(host.linked).toEqual([first.module, second.module]);
    });
    expect(host.linked).toEqual([]);
  });

  test('overrides win over load order', async () => {
    const elsewhere = host.address('host_value');
    await linkedInTurn([['basic.so'], ['second.so', { overrides: new Map([['patch_data', elsewhere]]) }]], ([, second]) => {
      expect(second.resolutions.get('patch_data')).toMatchObject({ address: elsewhere, from: 'override' });
      for (const w of slots(second, 'second.so', 'patch_data')) expect(w.value).toBe(elsewhere);
      expect(second.resolutions.get('patch_add')?.from).toBe('linked:basic.so');
    });
  });
});

describe('interposition', () => {
  test('the object\'s own global binds to the program\'s storage', async () => {
    const shared = host.address('host_value');
    const linked = await applyLink(plan('basic.so', { interpose: new Map([['patch_data', shared]]) }));
    try {
      expect(linked.resolutions.get('patch_data')).toMatchObject({ address: shared, from: 'interposed' });
      const written = slots(linked, 'basic.so', 'patch_data');
      expect(written.map((w) => w.type)).toContain('R_386_GLOB_DAT');
      for (const w of written) expect(w.value).toBe(shared);
      // without interposition it is its own
      expect(linked.exports.get('patch_data')!.address).not.toBe(shared);
    } finally {
      unlink(linked);
    }
  });
});
