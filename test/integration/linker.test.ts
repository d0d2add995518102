// The linker against ld.so: the same shared objects are linked by dsu into
// the host program running under dsu, and loaded natively by ld.so into the
// same program (`host dlopen OBJECT OFFSET...`). Every relocated word readelf
// lists must point to the same place in both worlds: the same module, at the
// same offset from its base. Layout, protections, bytes, exports,
// initialisers and unlinking are checked against readelf's view of the files.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { runNative } from '../helpers/run.js';
import {
  HOST, LinkHost, defaultVersionValue, linktestObject, readelfDynamic, readelfRelocations, readelfSegments, readelfSymbols, snapshot, startLinkHost,
} from '../helpers/link-host.js';
import { applyLink, planLink, unlink, LinkedObject } from '../../loader/link/index.js';

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

let host: LinkHost;

beforeAll(async () => {
  host = await startLinkHost();
});

afterAll(async () => {
  // the host exits with host_value & 0xff: 42 unless a test stored into it
  expect(await host.quit()).toEqual({ code: 42 });
});

async function link(name: string): Promise<LinkedObject> {
  const file = linktestObject(name);
  return applyLink(planLink(fs.readFileSync(file), file, host.target()));
}

/** "module delta" of an address in the dsu world, like the native probe prints it. */
function whereIs(target: number): string {
  if (target === 0) return '0';
  const m = host.modules().find((k) => target >= k.start && target < k.end);
  if (!m) return `? ${hex(target)}`;
  return `${m.kind === 'exe' ? 'exe' : path.basename(m.path)} ${hex(target - m.bias)}`;
}

describe('relocated words point where ld.so points them', () => {
  for (const name of ['basic.so', 'textrel.so', 'relr.so']) {
    test(name, async () => {
      const file = linktestObject(name);
      const relocs = readelfRelocations(file);
      expect(relocs.length).toBeGreaterThan(10);
      const args = relocs.map((r) => hex(r.offset) + (r.type === 'R_386_PC32' ? ':pc' : ''));
      const native = await runNative(HOST, { args: ['dlopen', file, ...args] });
      expect(native.stderr.toString()).toBe('');
      expect(native.status).toBe(0);
      const linked = await link(name);
      try {
        const dsu = relocs.map((r) => {
          const at = (linked.bias + r.offset) >>> 0;
          const word = host.u32(at);
          return `${hex(r.offset)} ${whereIs(r.type === 'R_386_PC32' ? (word + at) >>> 0 : word)}`;
        });
        expect(dsu.join('\n') + '\n').toBe(native.stdout.toString());
        // not a comparison of two empty worlds: the object's words point into the exe, libc and itself
        expect(dsu.some((l) => / exe 0x/.test(l)) && dsu.some((l) => / libc\.so\.6 0x/.test(l)) && dsu.some((l) => l.includes(` ${name} 0x`))).toBe(true);
      } finally {
        unlink(linked);
      }
    });
  }
});

describe('basic.so linked into the running host', () => {
  let linked: LinkedObject;
  let before: ReturnType<typeof snapshot>;
  let initRuns: number[][];
  const file = linktestObject('basic.so');

  beforeAll(async () => {
    before = snapshot(host.session.proc);
    initRuns = [];
    const plan = planLink(fs.readFileSync(file), file, host.target(), {
      runInitializers: async (addresses) => {
        initRuns.push(addresses);
      },
    });
    linked = await applyLink(plan);
  });

  test('goes just below the executable, and registers as a linked module', () => {
    const exe = host.session.proc.exe!;
    // nothing is mapped right below the PIE: the object ends where the executable starts
    expect(linked.end).toBe(exe.start);
    expect(host.linked).toContain(linked.module);
    expect(linked.module).toMatchObject({ kind: 'linked', name: 'basic.so', bias: linked.bias, start: linked.start, end: linked.end });
    expect(linked.start % 4096).toBe(0);
  });

  test('each page has its segment\'s protection, RELRO pages read-only, gaps none', () => {
    const segs = readelfSegments(file);
    const loads = segs.filter((s) => s.type === 'LOAD');
    const relro = segs.find((s) => s.type === 'GNU_RELRO');
    const protOf = (flags: string): number => (flags[0] === 'R' ? 1 : 0) | (flags[1] === 'W' ? 2 : 0) | (flags[2] === 'E' ? 4 : 0);
    const space = host.session.proc.space;
    let checked = 0;
    for (let page = linked.start; page < linked.end; page += 4096) {
      const vaddr = page - linked.bias;
      const seg = loads.find((s) => vaddr + 4096 > s.vaddr && vaddr < s.vaddr + s.memsz);
      let prot = seg ? protOf(seg.flags) : 0;
      if (relro && vaddr >= (relro.vaddr & ~0xfff) && vaddr + 4096 <= ((relro.vaddr + relro.memsz) & ~0xfff)) prot = 1;
      expect({ page: hex(vaddr), prot: space.regionAt(page)?.prot }).toEqual({ page: hex(vaddr), prot });
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(4);
    expect(space.regionAt(linked.start)).toMatchObject({ kind: 'file', name: file, offset: 0 });
  });

  test('file bytes are copied, relocated words aside, and .bss is zero', () => {
    const bytes = fs.readFileSync(file);
    const relocated = new Set(readelfRelocations(file).flatMap((r) => [0, 1, 2, 3].map((k) => r.offset + k)));
    const guest = host.session.proc.space.memory.bytes;
    let compared = 0;
    for (const s of readelfSegments(file).filter((x) => x.type === 'LOAD')) {
      for (let i = 0; i < s.memsz; i++) {
        if (relocated.has(s.vaddr + i)) continue;
        const want = i < s.filesz ? bytes[s.offset + i] : 0;
        if (guest[linked.bias + s.vaddr + i] !== want) throw new Error(`byte at ${hex(s.vaddr + i)}: ${guest[linked.bias + s.vaddr + i]}, file ${want}`);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(2000);
  });

  test('exports and file-local definitions are where readelf puts them', () => {
    const symbols = readelfSymbols(file);
    const exported = symbols.filter((s) => s.table === '.dynsym' && s.ndx !== 'UND' && (s.type === 'FUNC' || s.type === 'OBJECT'));
    expect(exported.map((s) => s.name)).toEqual(expect.arrayContaining(['patch_add', 'patch_data', 'patch_ptr', 'patch_say']));
    for (const s of exported) expect({ name: s.name, address: linked.exports.get(s.name)?.address }).toEqual({ name: s.name, address: linked.bias + s.value });
    const local = symbols.find((s) => s.table === '.symtab' && s.name === 'local_state')!;
    expect(linked.definitions.find((d) => d.name === 'local_state')).toMatchObject({ address: linked.bias + local.value, bind: 'local', file: 'basic.c', kind: 'object' });
  });

  test('binds to the executable, to itself, and to libc\'s default versions', () => {
    const libc = host.modules().find((m) => path.basename(m.path) === 'libc.so.6')!;
    const libcFile = fs.realpathSync(libc.path);
    // two fopen definitions; readelf marks the default one fopen@@GLIBC_2.1
    expect(readelfSymbols(libcFile).filter((s) => s.name === 'fopen' && s.table === '.dynsym').length).toBe(2);
    const fopen = defaultVersionValue(libcFile, 'fopen');
    expect(linked.resolutions.get('fopen')).toMatchObject({ address: libc.bias + fopen, from: 'lib:libc.so.6', kind: 'function' });
    const puts = defaultVersionValue(libcFile, 'puts');
    expect(linked.resolutions.get('puts')).toMatchObject({ address: libc.bias + puts, from: 'lib:libc.so.6' });
    expect(linked.resolutions.get('host_value')).toMatchObject({ address: host.address('host_value'), from: 'exe', kind: 'object' });
    expect(linked.resolutions.get('host_add')).toMatchObject({ address: host.address('host_add'), from: 'exe', kind: 'function' });
    expect(linked.resolutions.get('patch_data')).toMatchObject({ address: linked.exports.get('patch_data')!.address, from: 'self' });
    expect(linked.resolutions.get('__gmon_start__')).toMatchObject({ address: 0, from: 'undefined-weak' });
    // the words themselves: the PLT slot of puts, and patch_ptr = &host_value
    const putsSlot = readelfRelocations(file).find((r) => r.symbol === 'puts' && r.type === 'R_386_JUMP_SLOT')!;
    expect(host.u32(linked.bias + putsSlot.offset)).toBe(libc.bias + puts);
    expect(host.u32(linked.exports.get('patch_ptr')!.address)).toBe(host.address('host_value'));
  });

  test('initialisers and finalisers in ld.so\'s order; runInitializers got them', () => {
    const dyn = readelfDynamic(file);
    const bytes = fs.readFileSync(file);
    const words = (tag: string, sizeTag: string): number[] => {
      const at = dyn.get(tag)!;
      const seg = readelfSegments(file).find((s) => s.type === 'LOAD' && at >= s.vaddr && at < s.vaddr + s.filesz)!;
      const off = seg.offset + (at - seg.vaddr);
      return Array.from({ length: dyn.get(sizeTag)! / 4 }, (_, i) => (bytes.readUInt32LE(off + 4 * i) + linked.bias) >>> 0);
    };
    const init = [(dyn.get('INIT')! + linked.bias) >>> 0, ...words('INIT_ARRAY', 'INIT_ARRAYSZ')];
    const fini = [...words('FINI_ARRAY', 'FINI_ARRAYSZ').reverse(), (dyn.get('FINI')! + linked.bias) >>> 0];
    expect(linked.initializers).toEqual(init);
    expect(linked.finalizers).toEqual(fini);
    expect(initRuns).toEqual([init]);
    // patch_init (a constructor) is among them
    const ctor = readelfSymbols(file).find((s) => s.name === 'patch_init')!;
    expect(init).toContain(linked.bias + ctor.value);
  });

  test('unlink restores the address space and the module list', () => {
    unlink(linked);
    expect(host.linked).not.toContain(linked.module);
    expect(JSON.parse(snapshot(host.session.proc).regions)).toEqual(JSON.parse(before.regions));
    expect(() => unlink(linked)).toThrow(/not linked/);
  });
});

describe('initialisers that fail', () => {
  test('the object is unlinked again and the error passed on', async () => {
    const file = linktestObject('basic.so');
    const before = snapshot(host.session.proc);
    const plan = planLink(fs.readFileSync(file), file, host.target(), {
      runInitializers: async () => {
        // the object is mapped and registered while its initialisers run
        expect(host.linked.map((m) => m.name)).toEqual(['basic.so']);
        throw new Error('constructor crashed');
      },
    });
    await expect(applyLink(plan)).rejects.toThrow('constructor crashed');
    expect(host.linked).toEqual([]);
    expect(JSON.parse(snapshot(host.session.proc).regions)).toEqual(JSON.parse(before.regions));
  });
});

describe('text relocations', () => {
  test('code pages are relocated and end up read-execute', async () => {
    const file = linktestObject('textrel.so');
    expect(readelfDynamic(file).has('TEXTREL')).toBe(true);
    const linked = await link('textrel.so');
    try {
      const inText = readelfRelocations(file).filter((r) => r.type === 'R_386_PC32' && r.symbol === 'host_add');
      expect(inText.length).toBeGreaterThan(0);
      for (const r of inText) {
        const at = linked.bias + r.offset;
        expect(host.session.proc.space.regionAt(at)?.prot).toBe(5);
        // call rel32: the target is the word plus the address after it (the in-place addend was -4)
        expect((host.u32(at) + at + 4) >>> 0).toBe(host.address('host_add'));
      }
    } finally {
      unlink(linked);
    }
  });
});
