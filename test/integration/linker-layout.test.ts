// The layout checks dlopen makes (glibc's _dl_map_object_from_fd) and the
// consistency checks that keep a malformed object's code and data inside
// the pages it is given. Each case edits one field of a real basic.so; each
// must be refused naming the field, with the guest's memory untouched. The
// first is the object that was once accepted: with e_phnum = 1 only its
// first segment was mapped, and its functions' addresses fell into the
// program's own text.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fs from 'node:fs';
import { Editor, ElfLayout, layoutOf, PHDR, SHDR } from '../helpers/elf-mutate.js';
import { LinkHost, linktestObject, snapshot, startLinkHost } from '../helpers/link-host.js';
import { applyLink, planLink, unlink, LinkError } from '../../loader/link/index.js';
import type { LinkPlan } from '../../loader/link/plan.js';

const file = linktestObject('basic.so');
const base = new Uint8Array(fs.readFileSync(file));
const layout: ElfLayout = layoutOf(base);
let host: LinkHost;

beforeAll(async () => {
  host = await startLinkHost();
});

afterAll(async () => {
  expect(await host.quit()).toEqual({ code: 42 });
});

function refusal(bytes: Uint8Array): LinkError {
  const before = snapshot(host.session.proc);
  let error: unknown = null;
  try {
    planLink(bytes, file, host.target());
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(LinkError);
  expect(snapshot(host.session.proc)).toEqual(before);
  return error as LinkError;
}

const messages = (e: LinkError): string[] => e.problems.map((p) => p.message);
const phdr = (type: number, nth = 0) => layout.phdrs.filter((p) => p.type === type)[nth];
const section = (name: string) => layout.sections.find((s) => s.name === name)!;
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_GNU_RELRO = 0x6474e552;

/** File offset of the symbol entry `name` in symbol table `table`. */
function symbolEntry(table: '.symtab' | '.dynsym', name: string): number {
  const t = section(table);
  const strings = layout.sections[t.link];
  const view = Buffer.from(base.buffer, base.byteOffset, base.byteLength);
  for (let at = t.offset; at < t.offset + t.size; at += 16) {
    const start = strings.offset + view.readUInt32LE(at);
    if (view.toString('latin1', start, view.indexOf(0, start)) === name) return at;
  }
  throw new Error(`${name} not in ${table}`);
}

describe('program headers as dlopen checks them', () => {
  test('e_phnum = 1: no dynamic section, and functions outside the mapped pages', () => {
    const e = refusal(new Editor(base).u16(44, 1).bytes);
    expect(messages(e)).toContain('the object has no dynamic section (PT_DYNAMIC)');
    // .text and every function in it are no longer mapped
    expect(e.subjects('segment')).toEqual(expect.arrayContaining(['.text', '.init', '.data']));
    expect(messages(e)).toContain('.symtab symbol patch_init at 0x1090 (20 bytes) lies outside the loaded segments');
  });

  test('a PT_LOAD alignment that is no power of two, or not a page multiple', () => {
    const load = phdr(PT_LOAD, 1);
    for (const align of [3, 0x1800, 0x3000]) {
      const e = refusal(new Editor(base).u32(load.at + PHDR.align, align).bytes);
      expect(messages(e)).toContain(`PT_LOAD at 0x1000: alignment 0x${align.toString(16)} is not a power of two multiple of the page size`);
    }
  });

  test('address and offset not congruent modulo the alignment', () => {
    // the data segment is 0x1000 further in memory than in the file: fine for pages, not for 0x2000
    const e = refusal(new Editor(base).u32(phdr(PT_LOAD, 3).at + PHDR.align, 0x2000).bytes);
    expect(messages(e)).toContain('PT_LOAD at 0x3edc: address and file offset 0x2edc are not congruent modulo the alignment 0x2000');
  });

  test('loadable segments out of address order', () => {
    const [a, b] = [phdr(PT_LOAD, 1), phdr(PT_LOAD, 2)];
    const edit = new Editor(base);
    edit.bytes.set(base.subarray(b.at, b.at + PHDR.size), a.at);
    edit.bytes.set(base.subarray(a.at, a.at + PHDR.size), b.at);
    expect(messages(refusal(edit.bytes))).toContain('PT_LOAD at 0x1000 comes after the one at 0x2000: loadable segments must be in ascending address order');
  });

  test('PT_DYNAMIC at a file offset its segment does not map there', () => {
    const dyn = phdr(PT_DYNAMIC);
    const e = refusal(new Editor(base).u32(dyn.at + PHDR.offset, dyn.offset + 8).bytes);
    expect(e.subjects('segment')).toContain('PT_DYNAMIC');
  });

  test('PT_GNU_RELRO outside the loaded segments', () => {
    const e = refusal(new Editor(base).u32(phdr(PT_GNU_RELRO).at + PHDR.vaddr, 0x00800000).bytes);
    expect(messages(e)).toContain('PT_GNU_RELRO (292 bytes at 0x800000) lies outside the loaded segments');
  });

  test('code in a segment that is not executable', () => {
    const e = refusal(new Editor(base).u32(phdr(PT_LOAD, 1).at + PHDR.flags, 4).bytes);
    expect(messages(e)).toContain(`section .text (${section('.text').size} bytes at 0x1070) holds code but its segment is not executable`);
    expect(messages(e)).toContain('.dynsym symbol patch_add at 0x11b0 (49 bytes) is a function outside the executable segments');
  });
});

describe('sections and symbols where the segments put them', () => {
  test('a section header whose address and offset disagree', () => {
    const text = section('.text');
    const e = refusal(new Editor(base).u32(text.at + SHDR.addr, 0x1080).bytes);
    expect(messages(e)).toContain(`section .text (${text.size} bytes at 0x1080) is not at the file offset its segment maps there (0x1070)`);
  });

  test('a function symbol outside the object, one in its data, an object symbol past its section', () => {
    const e = refusal(new Editor(base)
      .u32(symbolEntry('.symtab', 'patch_add') + 4, 0x00fffff0)
      .u32(symbolEntry('.dynsym', 'patch_say') + 4, 0x3f00)
      .u32(symbolEntry('.symtab', 'local_state') + 8, 0x20).bytes);
    expect(messages(e)).toEqual(expect.arrayContaining([
      '.symtab symbol patch_add at 0xfffff0 (49 bytes) lies outside the loaded segments',
      '.dynsym symbol patch_say at 0x3f00 (45 bytes) is a function outside the executable segments',
      '.symtab symbol local_state at 0x4010 (32 bytes) lies outside its section .data',
    ]));
  });

  test('a symbol naming a section that does not exist', () => {
    const e = refusal(new Editor(base).u16(symbolEntry('.symtab', 'patch_add') + 14, 0x7000).bytes);
    expect(messages(e)).toContain('.symtab symbol patch_add at 0x11b0 (49 bytes) names section 28672 of 35');
  });
});

describe('what would run or be written outside the object', () => {
  test('a DT_INIT_ARRAY entry pointing outside the object', () => {
    // the entry is a relative word: its addend is what the file holds
    const array = section('.init_array');
    const e = refusal(new Editor(base).u32(array.offset, 0x00400000).bytes);
    expect(messages(e)).toContain('DT_INIT_ARRAY entry 0x400000 is not in the object\'s executable segments');
  });

  test('a relocation of read-only text in an object that declares no text relocations', () => {
    const rel = section('.rel.dyn');
    const e = refusal(new Editor(base).u32(rel.offset, section('.text').offset + 0x10).bytes);
    expect(messages(e)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^R_386_RELATIVE at 0x1080 is in a read-only segment, and the object declares no text relocations \(DT_TEXTREL\)$/),
    ]));
  });
});

describe('relocations ld.so would not apply as the object means them (found by the patch fuzzer)', () => {
  const plt = () => section('.rel.plt');
  const dynamicEntry = (tag: number): number => {
    const dyn = phdr(PT_DYNAMIC);
    const view = Buffer.from(base.buffer, base.byteOffset, base.byteLength);
    for (let at = dyn.offset; at < dyn.offset + dyn.filesz; at += 8) if (view.readInt32LE(at) === tag) return at;
    throw new Error(`no dynamic tag ${tag}`);
  };

  test('DT_JMPREL lost: the PLT relocations are listed nowhere, its GOT slots left at link-time addresses', () => {
    const e = refusal(new Editor(base).u32(dynamicEntry(23 /* DT_JMPREL */), 22 /* DT_TEXTREL */).bytes);
    expect(messages(e)).toEqual(expect.arrayContaining([
      'section .rel.plt (24 bytes at 0x588) holds relocations the dynamic section does not list (DT_REL, DT_RELA, DT_JMPREL)',
      'PLT slot 0x4000 of .got.plt has no R_386_JUMP_SLOT relocation: a call through it would jump to a link-time address',
    ]));
  });

  test('a DT_JMPREL entry that is no R_386_JUMP_SLOT', () => {
    const e = refusal(new Editor(base).u32(plt().offset + 4, 0x1100).bytes);
    expect(messages(e)).toContain('R_386_NONE at 0x4000 (symbol patch_add) is in DT_JMPREL, which holds only R_386_JUMP_SLOT relocations');
  });

  test('a GOT slot relocation that is not word-aligned, and one naming no symbol', () => {
    const e = refusal(new Editor(base).u32(plt().offset + 8, 0x4005).u32(plt().offset + 20, 0x07).bytes);
    expect(messages(e)).toEqual(expect.arrayContaining([
      'R_386_JUMP_SLOT at 0x4005 (symbol puts) is not word-aligned: it is no GOT slot',
      'R_386_JUMP_SLOT at 0x4008 names no symbol',
    ]));
  });

  test('an absolute function symbol, and symbol tables that disagree about an export', () => {
    const e = refusal(new Editor(base)
      .u16(symbolEntry('.dynsym', 'patch_add') + 14, 0xfff1)
      .u8(symbolEntry('.symtab', 'patch_say') + 12, 0x02).bytes);
    expect(messages(e)).toEqual(expect.arrayContaining([
      '.dynsym symbol patch_add at 0x11b0 (49 bytes) is an absolute function (SHN_ABS)',
      'the symbol tables disagree about patch_say: .dynsym exports it at 0x11f0 (type 2), .symtab has no such global',
    ]));
  });
});

test('mapping never replaces memory in use: a page outside the plan\'s span is refused, nothing left mapped', async () => {
  const plan = planLink(base, file, host.target());
  const exe = host.session.proc.exe!;
  // a plan whose last page strays onto the program's first page
  const pages = plan.pages as { start: number; end: number; prot: number; fileOffset: number | null }[];
  pages.push({ start: (exe.start - plan.bias) >>> 0, end: ((exe.start - plan.bias) >>> 0) + 4096, prot: 5, fileOffset: null });
  const before = snapshot(host.session.proc);
  await expect(applyLink(plan)).rejects.toThrow(/are not free memory of the object's span: nothing was mapped/);
  expect(snapshot(host.session.proc)).toEqual(before);
});

test('the unedited object still links, and unlinks', async () => {
  const plan: LinkPlan = planLink(base, file, host.target());
  unlink(await applyLink(plan));
});
