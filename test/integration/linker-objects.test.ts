// What the linker accepts and how it computes each relocation type. The
// types a -fPIC object never has in its dynamic tables (GOTOFF, GOTPC,
// PLT32) are made by editing a real textrel.so's relocation entries, and the
// words written are checked against the psABI formulas with S, A, P and GOT
// taken from readelf. Objects of the wrong kind, and edited relocations dsu
// must refuse, are refused with every problem listed and nothing written.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { BUILD, REPO } from '../helpers/run.js';
import { Editor } from '../helpers/elf-mutate.js';
import {
  HOST, LinkHost, linktestObject, readelfDynamic, readelfRelocations, readelfSegments, snapshot, startLinkHost,
} from '../helpers/link-host.js';
import { applyLink, planLink, unlink, LinkError, LinkOptions } from '../../loader/link/index.js';

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

let host: LinkHost;

beforeAll(async () => {
  host = await startLinkHost();
});

afterAll(async () => {
  expect(await host.quit()).toEqual({ code: 42 });
});

function refusal(bytes: Uint8Array, file: string, options: LinkOptions = {}): LinkError {
  const before = snapshot(host.session.proc);
  let error: unknown = null;
  try {
    planLink(bytes, file, host.target(), options);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(LinkError);
  expect(snapshot(host.session.proc)).toEqual(before);
  return error as LinkError;
}

describe('objects dsu does not link', () => {
  test('a PIE executable', () => {
    const e = refusal(fs.readFileSync(HOST), HOST);
    expect(e.subjects('object')).toEqual(['e_type']);
    expect(e.message).toContain('a PIE executable, not a shared object');
  });

  test('an ET_EXEC executable', () => {
    const file = path.join(BUILD, 'conformance', 'hello.static');
    expect(refusal(fs.readFileSync(file), file).message).toContain('an executable (ET_EXEC)');
  });

  test('a relocatable object', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-link-'));
    const object = path.join(dir, 'basic.o');
    execFileSync('gcc', ['-m32', '-fPIC', '-c', path.join(REPO, 'c-samples', 'linktest', 'basic.c'), '-o', object]);
    expect(refusal(fs.readFileSync(object), object).message).toContain('a relocatable object (.o)');
    fs.rmSync(dir, { recursive: true });
  });

  test('a 64-bit file, another machine, a truncated file', () => {
    expect(refusal(fs.readFileSync(process.execPath), 'node').message).toContain('64-bit ELF for x86-64');
    const file = linktestObject('basic.so');
    const bytes = fs.readFileSync(file);
    expect(refusal(new Editor(bytes).u16(18, 40).bytes, file).message).toContain('ELF for ARM');
    const cut = refusal(bytes.subarray(0, bytes.length >> 1), file);
    expect(cut.problems[0].kind).toBe('elf');
    expect(cut.message).toContain('truncated or corrupt');
  });

  test('segments sharing a page', () => {
    const file = linktestObject('basic.so');
    const bytes = fs.readFileSync(file);
    const phoff = bytes.readUInt32LE(28);
    const loads = readelfSegments(file).map((s, i) => ({ ...s, at: phoff + 32 * i })).filter((s) => s.type === 'LOAD');
    // the third segment (read-only data, at a page-aligned offset) moved onto the second's page
    const e = refusal(new Editor(bytes).u32(loads[2].at + 8, loads[1].vaddr).bytes, file);
    // the sections it held are no longer where their headers say, too
    expect(e.subjects('segment')).toEqual(['PT_LOAD', '.rodata', '.eh_frame_hdr', '.eh_frame']);
  });
});

/** textrel.so with some of its .rel.dyn entries edited: by r_offset, a new r_info and optionally a new r_offset. */
function editedTextrel(edits: { offset: number; info?: (old: number) => number; newOffset?: number }[]): Uint8Array {
  const file = linktestObject('textrel.so');
  const bytes = fs.readFileSync(file);
  const out = execFileSync('readelf', ['-SW', file], { encoding: 'utf8' });
  const m = /\.rel\.dyn\s+REL\s+[0-9a-f]+ ([0-9a-f]+) ([0-9a-f]+)/.exec(out)!;
  const [start, size] = [parseInt(m[1], 16), parseInt(m[2], 16)];
  const editor = new Editor(bytes);
  for (const e of edits) {
    let found = false;
    for (let at = start; at < start + size; at += 8) {
      if (bytes.readUInt32LE(at) !== e.offset) continue;
      if (e.info) editor.u32(at + 4, e.info(bytes.readUInt32LE(at + 4)));
      if (e.newOffset !== undefined) editor.u32(at, e.newOffset);
      found = true;
    }
    if (!found) throw new Error(`no .rel.dyn entry at ${hex(e.offset)}`);
  }
  return editor.bytes;
}

const withType = (type: number) => (info: number): number => ((info & ~0xff) | type) >>> 0;

describe('relocation formulas (psABI) on edited entries', () => {
  const file = linktestObject('textrel.so');
  const relocs = readelfRelocations(file);
  const textStart = readelfSegments(file).find((s) => s.type === 'LOAD' && s.flags.includes('E'))!.vaddr;
  // a movl host_value, %eax in .text (R_386_32) and a call host_add (R_386_PC32)
  const data = relocs.find((r) => r.type === 'R_386_32' && r.symbol === 'host_value' && r.offset >= textStart)!;
  const call = relocs.find((r) => r.type === 'R_386_PC32' && r.symbol === 'host_add')!;
  const fileWord = (offset: number): number => {
    const seg = readelfSegments(file).find((s) => s.type === 'LOAD' && offset >= s.vaddr && offset < s.vaddr + s.filesz)!;
    return fs.readFileSync(file).readInt32LE(seg.offset + offset - seg.vaddr);
  };

  async function linkedWord(bytes: Uint8Array, offset: number): Promise<{ word: number; bias: number; got: number }> {
    const linked = await applyLink(planLink(bytes, file, host.target()));
    try {
      return { word: host.u32(linked.bias + offset), bias: linked.bias, got: (readelfDynamic(file).get('PLTGOT')! + linked.bias) >>> 0 };
    } finally {
      unlink(linked);
    }
  }

  test('R_386_GOTOFF: S + A - GOT', async () => {
    const { word, got } = await linkedWord(editedTextrel([{ offset: data.offset, info: withType(9) }]), data.offset);
    expect(word).toBe((host.address('host_value') + fileWord(data.offset) - got) >>> 0);
  });

  test('R_386_GOTPC: GOT + A - P', async () => {
    const { word, bias, got } = await linkedWord(editedTextrel([{ offset: data.offset, info: withType(10) }]), data.offset);
    expect(word).toBe((got + fileWord(data.offset) - (bias + data.offset)) >>> 0);
  });

  test('R_386_PLT32: S + A - P, bound directly', async () => {
    const { word, bias } = await linkedWord(editedTextrel([{ offset: call.offset, info: withType(4) }]), call.offset);
    expect(fileWord(call.offset)).toBe(-4);
    expect(word).toBe((host.address('host_add') - 4 - (bias + call.offset)) >>> 0);
  });

  test('R_386_NONE writes nothing', async () => {
    const { word } = await linkedWord(editedTextrel([{ offset: data.offset, info: withType(0) }]), data.offset);
    expect(word).toBe(fileWord(data.offset) >>> 0);
  });

  test('refused types, an offset outside the object and a bad symbol index are all listed together', () => {
    const [a, b, c, d, e] = relocs.filter((r) => r.offset >= textStart && r.symbol !== null).slice(0, 5);
    const bytes = editedTextrel([
      { offset: a.offset, info: withType(5) },
      { offset: b.offset, info: withType(20) },
      { offset: c.offset, info: withType(42) },
      { offset: d.offset, newOffset: 0x00fffff0 },
      { offset: e.offset, info: (info) => ((0xfffff << 8) | (info & 0xff)) >>> 0 },
    ]);
    const err = refusal(bytes, file);
    const messages = err.problems.map((p) => p.message);
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp(`^R_386_COPY at ${hex(a.offset)} \\(symbol ${a.symbol}\\): a copy relocation would move the program's data$`)),
      expect.stringMatching(new RegExp(`^R_386_16 at ${hex(b.offset)} \\(symbol ${b.symbol}\\): not supported$`)),
      expect.stringMatching(new RegExp(`^R_386_IRELATIVE at ${hex(c.offset)}.*IFUNC defined in the object`)),
      expect.stringMatching(/at 0xfffff0 .*is outside the object's segments$/),
      expect.stringMatching(/names symbol 1048575 of \d+$/),
    ]));
    expect(err.problems.length).toBe(5);
  });
});

describe('placement', () => {
  const file = linktestObject('basic.so');
  const bytes = fs.readFileSync(file);

  test('at a chosen free address', async () => {
    const linked = await applyLink(planLink(bytes, file, host.target(), { at: 0x40000000 }));
    try {
      expect(linked.start).toBe(0x40000000);
      expect(host.session.proc.space.regionAt(0x40000000)).toMatchObject({ kind: 'file', name: file });
    } finally {
      unlink(linked);
    }
  });

  test('not over the program, nor at an unaligned address', () => {
    expect(refusal(bytes, file, { at: host.session.proc.exe!.start }).subjects('placement')).toEqual(['at']);
    expect(refusal(bytes, file, { at: 0x40000010 }).subjects('placement')).toEqual(['at']);
  });

  test('a plan whose range was taken since is refused at apply time, writing nothing', async () => {
    const plan = planLink(bytes, file, host.target(), { at: 0x40000000 });
    const space = host.session.proc.space;
    space.map(0x40001000, 0x1000, 3, 'anon', '');
    try {
      const before = snapshot(host.session.proc);
      await expect(applyLink(plan)).rejects.toThrow(/no longer free/);
      expect(snapshot(host.session.proc)).toEqual(before);
      await expect(applyLink(plan)).rejects.toThrow(/already applied/);
    } finally {
      space.unmap(0x40001000, 0x40002000);
    }
  });
});
