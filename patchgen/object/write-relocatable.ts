// Writing an ELF32 i386 relocatable object (ET_REL) from plain data: the
// generator's output, linked into the patch by gcc -shared. Sections come
// in the order given; a relocation section is made for each section that
// has relocations; locals precede globals in the symbol table, as the gABI
// requires.
import { EM_386, ET_REL, SHT_NOBITS, SHT_REL, SHT_STRTAB, SHT_SYMTAB, STB_LOCAL, STT_FILE, STT_SECTION, SHN_ABS } from '../../loader/elf/constants.js';
import { SHF_INFO_LINK } from './relocatable.js';

export interface OutSection {
  name: string;
  type: number;
  flags: number;
  align: number;
  entsize: number;
  /** Contents; for SHT_NOBITS, the size alone matters. */
  data: Uint8Array;
  size: number;
  relocs: OutReloc[];
}

export interface OutSymbol {
  name: string;
  value: number;
  size: number;
  type: number;
  bind: number;
  visibility: number;
  /** Index into the output section list (0-based, as given), 'undef', or 'abs'. */
  section: number | 'undef' | 'abs';
}

export interface OutReloc {
  offset: number;
  type: number;
  /** Index into the output symbol list (as given). */
  symbol: number;
}

class StringTableBuilder {
  private readonly parts: Buffer[] = [Buffer.from([0])];
  private size = 1;
  private readonly known = new Map<string, number>();

  add(s: string): number {
    if (s === '') return 0;
    const k = this.known.get(s);
    if (k !== undefined) return k;
    const at = this.size;
    const b = Buffer.from(s + '\0', 'latin1');
    this.parts.push(b);
    this.size += b.length;
    this.known.set(s, at);
    return at;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const align = (n: number, a: number): number => (a > 1 ? Math.ceil(n / a) * a : n);

export function writeRelocatable(sections: readonly OutSection[], symbols: readonly OutSymbol[]): Uint8Array {
  // locals first: a permutation of the given symbols
  const order = [...symbols.keys()].sort((a, b) => Number(symbols[a].bind !== STB_LOCAL) - Number(symbols[b].bind !== STB_LOCAL) || a - b);
  const symIndex = new Map<number, number>();
  order.forEach((given, k) => symIndex.set(given, k + 1));
  const firstGlobal = 1 + order.filter((k) => symbols[k].bind === STB_LOCAL).length;

  const shstr = new StringTableBuilder();
  const str = new StringTableBuilder();
  // section headers: 0 null, the given sections, their .rel sections, .symtab, .strtab, .shstrtab
  interface Header { name: number; type: number; flags: number; offset: number; size: number; link: number; info: number; align: number; entsize: number; data: Uint8Array | null }
  const headers: Header[] = [{ name: 0, type: 0, flags: 0, offset: 0, size: 0, link: 0, info: 0, align: 0, entsize: 0, data: null }];
  const sectionIndex = (k: number): number => 1 + k;
  for (const s of sections) {
    headers.push({ name: shstr.add(s.name), type: s.type, flags: s.flags, offset: 0, size: s.type === SHT_NOBITS ? s.size : s.data.length, link: 0, info: 0, align: s.align, entsize: s.entsize, data: s.type === SHT_NOBITS ? null : s.data });
  }
  const symtabIndex = headers.length + sections.filter((s) => s.relocs.length > 0).length;
  sections.forEach((s, k) => {
    if (s.relocs.length === 0) return;
    const rel = Buffer.alloc(8 * s.relocs.length);
    s.relocs.forEach((r, i) => {
      rel.writeUInt32LE(r.offset >>> 0, 8 * i);
      rel.writeUInt32LE(((symIndex.get(r.symbol)! << 8) | (r.type & 0xff)) >>> 0, 8 * i + 4);
    });
    headers.push({ name: shstr.add(`.rel${s.name}`), type: SHT_REL, flags: SHF_INFO_LINK, offset: 0, size: rel.length, link: symtabIndex, info: sectionIndex(k), align: 4, entsize: 8, data: rel });
  });
  const symtab = Buffer.alloc(16 * (symbols.length + 1));
  order.forEach((given, k) => {
    const s = symbols[given];
    const at = 16 * (k + 1);
    symtab.writeUInt32LE(s.type === STT_SECTION ? 0 : str.add(s.name), at);
    symtab.writeUInt32LE(s.value >>> 0, at + 4);
    symtab.writeUInt32LE(s.size >>> 0, at + 8);
    symtab.writeUInt8(((s.bind & 0xf) << 4) | (s.type & 0xf), at + 12);
    symtab.writeUInt8(s.visibility & 3, at + 13);
    const shndx = s.section === 'undef' ? 0 : s.section === 'abs' || s.type === STT_FILE ? SHN_ABS : sectionIndex(s.section);
    symtab.writeUInt16LE(shndx, at + 14);
  });
  headers.push({ name: shstr.add('.symtab'), type: SHT_SYMTAB, flags: 0, offset: 0, size: symtab.length, link: symtabIndex + 1, info: firstGlobal, align: 4, entsize: 16, data: symtab });
  const strtabBytes = str.bytes();
  headers.push({ name: shstr.add('.strtab'), type: SHT_STRTAB, flags: 0, offset: 0, size: strtabBytes.length, link: 0, info: 0, align: 1, entsize: 0, data: strtabBytes });
  const shstrtabHeader: Header = { name: shstr.add('.shstrtab'), type: SHT_STRTAB, flags: 0, offset: 0, size: 0, link: 0, info: 0, align: 1, entsize: 0, data: null };
  headers.push(shstrtabHeader);
  const shstrBytes = shstr.bytes();
  shstrtabHeader.data = shstrBytes;
  shstrtabHeader.size = shstrBytes.length;

  // layout: ELF header, section contents, section header table
  let offset = 52;
  for (const h of headers.slice(1)) {
    if (h.data === null) {
      h.offset = align(offset, Math.max(1, h.align));
      continue;
    }
    offset = align(offset, Math.max(1, h.align));
    h.offset = offset;
    offset += h.data.length;
  }
  const shoff = align(offset, 4);
  const out = Buffer.alloc(shoff + 40 * headers.length);
  out.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0], 0);
  out.writeUInt16LE(ET_REL, 16);
  out.writeUInt16LE(EM_386, 18);
  out.writeUInt32LE(1, 20);
  out.writeUInt32LE(shoff, 32);
  out.writeUInt16LE(52, 40);
  out.writeUInt16LE(40, 46);
  out.writeUInt16LE(headers.length, 48);
  out.writeUInt16LE(headers.length - 1, 50);
  headers.forEach((h, i) => {
    if (h.data) out.set(h.data, h.offset);
    const at = shoff + 40 * i;
    out.writeUInt32LE(h.name, at);
    out.writeUInt32LE(h.type, at + 4);
    out.writeUInt32LE(h.flags >>> 0, at + 8);
    out.writeUInt32LE(0, at + 12);
    out.writeUInt32LE(h.offset, at + 16);
    out.writeUInt32LE(h.size, at + 20);
    out.writeUInt32LE(h.link, at + 24);
    out.writeUInt32LE(h.info, at + 28);
    out.writeUInt32LE(h.align, at + 32);
    out.writeUInt32LE(h.entsize, at + 36);
  });
  return out;
}
