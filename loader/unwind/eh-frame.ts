// .eh_frame and .eh_frame_hdr: Common Information Entries, Frame Description
// Entries, and the binary-search table that indexes them (LSB Core
// "Exception Frames"; the records are DWARF call frame information).
import { DwarfCursor, DW_EH_PE_absptr, DW_EH_PE_omit, PointerBases } from './dwarf-cursor.js';

export interface Cie {
  /** Offset of the entry in .eh_frame. */
  offset: number;
  version: number;
  augmentation: string;
  codeAlign: number;
  dataAlign: number;
  /** DWARF register holding the return address (8, EIP, on i386). */
  returnColumn: number;
  fdeEncoding: number;
  lsdaEncoding: number;
  /** Address of the personality routine (or of its slot when indirect). */
  personality: number | null;
  /** 'S': frames of this CIE are signal trampolines, whose pc is not a return address. */
  signalFrame: boolean;
  initialInstructions: Uint8Array;
  /** Link-time address of the instructions (DW_CFA_set_loc may be pc-relative). */
  initialInstructionsAt: number;
}

export interface Fde {
  offset: number;
  cie: Cie;
  /** Link-time range [start, end) of the code it describes. */
  start: number;
  end: number;
  lsda: number | null;
  instructions: Uint8Array;
  instructionsAt: number;
}

export interface EhFrameSection {
  bytes: Uint8Array;
  /** Link-time address of the section. */
  address: number;
  file: string;
}

/** Where each entry starts and ends, and whether it is a CIE or an FDE. */
interface EntryHeader {
  offset: number;
  /** First byte after the id field (where the body starts). */
  body: number;
  end: number;
  /** 0 for a CIE, else the FDE's CIE pointer. */
  id: number;
  idAt: number;
}

function entryHeader(section: EhFrameSection, offset: number): EntryHeader | null {
  const c = new DwarfCursor(section.bytes, section.address, section.file, '.eh_frame', offset);
  if (c.atEnd) return null;
  let length = c.u32();
  if (length === 0) return null; // terminator
  if (length === 0xffffffff) length = c.u64();
  const contentStart = c.pos;
  const end = contentStart + length;
  if (end > section.bytes.length || length < 4) c.fail(`entry length ${length} runs past the section`);
  const idAt = c.pos;
  const id = c.u32();
  return { offset, body: c.pos, end, id, idAt };
}

export class EhFrame {
  private readonly cies = new Map<number, Cie>();

  constructor(readonly section: EhFrameSection, private readonly bases: PointerBases = {}) {}

  private cursor(from: number, end: number): DwarfCursor {
    return new DwarfCursor(this.section.bytes, this.section.address, this.section.file, '.eh_frame', from, end);
  }

  cieAt(offset: number): Cie {
    const known = this.cies.get(offset);
    if (known) return known;
    const h = entryHeader(this.section, offset);
    if (!h || h.id !== 0) return this.cursor(offset, this.section.bytes.length).fail('CIE pointer does not lead to a CIE');
    const c = this.cursor(h.body, h.end);
    const version = c.u8();
    if (version !== 1 && version !== 3) c.fail(`CIE version ${version}`);
    const augmentation = c.cstring();
    if (augmentation.includes('eh')) c.fail(`old-style augmentation "${augmentation}"`);
    const codeAlign = c.uleb();
    const dataAlign = c.sleb();
    const returnColumn = version === 1 ? c.u8() : c.uleb();
    const cie: Cie = {
      offset, version, augmentation, codeAlign, dataAlign, returnColumn,
      fdeEncoding: DW_EH_PE_absptr, lsdaEncoding: DW_EH_PE_omit, personality: null, signalFrame: false,
      initialInstructions: new Uint8Array(0), initialInstructionsAt: 0,
    };
    if (augmentation.startsWith('z')) {
      const length = c.uleb();
      const dataEnd = c.pos + length;
      for (const ch of augmentation.slice(1)) {
        if (ch === 'R') cie.fdeEncoding = c.u8();
        else if (ch === 'L') cie.lsdaEncoding = c.u8();
        else if (ch === 'P') {
          const enc = c.u8();
          cie.personality = c.pointer(enc, this.bases);
        } else if (ch === 'S') cie.signalFrame = true;
        else break; // unknown letters: the length lets us skip their data
      }
      c.pos = dataEnd;
    } else if (augmentation !== '') {
      c.fail(`unknown augmentation "${augmentation}"`);
    }
    cie.initialInstructionsAt = c.here;
    cie.initialInstructions = c.block(h.end - c.pos);
    this.cies.set(offset, cie);
    return cie;
  }

  /** The FDE at `offset`, or null when the entry there is a CIE or the terminator. */
  fdeAt(offset: number): Fde | null {
    const h = entryHeader(this.section, offset);
    if (!h || h.id === 0) return null;
    const cie = this.cieAt(h.idAt - h.id);
    const c = this.cursor(h.body, h.end);
    const start = c.pointer(cie.fdeEncoding, this.bases);
    // the range has the same size and format, but no base
    const range = c.encodedValue(cie.fdeEncoding);
    let lsda: number | null = null;
    if (cie.augmentation.startsWith('z')) {
      const length = c.uleb();
      const dataEnd = c.pos + length;
      if (cie.lsdaEncoding !== DW_EH_PE_omit && length > 0) {
        const value = c.pointer(cie.lsdaEncoding, { ...this.bases, func: start });
        lsda = value === 0 ? null : value;
      }
      c.pos = dataEnd;
    }
    const instructionsAt = c.here;
    return { offset, cie, start, end: start + range, lsda, instructions: c.block(h.end - c.pos), instructionsAt };
  }

  /** Every FDE in the section, in file order (zero-length ones included). */
  allFdes(): Fde[] {
    const out: Fde[] = [];
    let offset = 0;
    for (;;) {
      const h = entryHeader(this.section, offset);
      if (!h) break;
      if (h.id !== 0) {
        const fde = this.fdeAt(offset);
        if (fde) out.push(fde);
      }
      offset = h.end;
    }
    return out;
  }
}

export interface EhFrameHdr {
  /** Link-time address of .eh_frame. */
  ehFrameAddress: number;
  /** Sorted (initial location, FDE address) pairs, or null when the header has no table. */
  table: { start: number; fde: number }[] | null;
}

/** Parse .eh_frame_hdr (version 1), whose table is sorted by initial location. */
export function parseEhFrameHdr(bytes: Uint8Array, address: number, file: string): EhFrameHdr {
  const c = new DwarfCursor(bytes, address, file, '.eh_frame_hdr');
  const version = c.u8();
  if (version !== 1) c.fail(`version ${version}`);
  const ptrEnc = c.u8();
  const countEnc = c.u8();
  const tableEnc = c.u8();
  const bases = { data: address };
  const ehFrameAddress = c.pointer(ptrEnc, bases);
  if (countEnc === DW_EH_PE_omit || tableEnc === DW_EH_PE_omit) return { ehFrameAddress, table: null };
  const count = c.pointer(countEnc, bases);
  if (count * 8 > bytes.length) c.fail(`table of ${count} entries does not fit`);
  const table: { start: number; fde: number }[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const start = c.pointer(tableEnc, bases);
    table[i] = { start, fde: c.pointer(tableEnc, bases) };
  }
  return { ehFrameAddress, table };
}
