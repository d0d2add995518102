// Bounds-checked reading of DWARF-encoded data (LEB128, DW_EH_PE pointers)
// from a section whose link-time address is known, so pc-relative pointers
// resolve to link-time addresses.
import { ElfError } from '../elf/errors.js';

// DW_EH_PE_* pointer encodings (LSB Core, "DWARF Extensions").
export const DW_EH_PE_omit = 0xff;
export const DW_EH_PE_absptr = 0x00;
const DW_EH_PE_uleb128 = 0x01;
const DW_EH_PE_udata2 = 0x02;
const DW_EH_PE_udata4 = 0x03;
const DW_EH_PE_udata8 = 0x04;
const DW_EH_PE_sleb128 = 0x09;
const DW_EH_PE_sdata2 = 0x0a;
const DW_EH_PE_sdata4 = 0x0b;
const DW_EH_PE_sdata8 = 0x0c;
const DW_EH_PE_pcrel = 0x10;
const DW_EH_PE_textrel = 0x20;
const DW_EH_PE_datarel = 0x30;
const DW_EH_PE_funcrel = 0x40;
const DW_EH_PE_aligned = 0x50;

/** Bases that relative pointer encodings add to. */
export interface PointerBases {
  /** datarel: .eh_frame_hdr's address in the header table, the GOT elsewhere. */
  data?: number;
  text?: number;
  func?: number;
}

export class DwarfCursor {
  private readonly view: DataView;
  pos: number;

  /**
   * `bytes` is a section, `address` its link-time address; reads stay inside
   * [start, end) (default: the whole section).
   */
  constructor(
    readonly bytes: Uint8Array,
    readonly address: number,
    readonly file: string,
    readonly field: string,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** Link-time address of the next byte. */
  get here(): number {
    return (this.address + this.pos) >>> 0;
  }

  fail(detail: string): never {
    throw new ElfError(this.file, this.field, `${detail} at offset 0x${this.pos.toString(16)}`);
  }

  private need(n: number): void {
    if (this.pos + n > this.end) this.fail(`truncated entry (needs ${n} more bytes)`);
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }

  i8(): number {
    this.need(1);
    return this.view.getInt8(this.pos++);
  }

  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  i16(): number {
    this.need(2);
    const v = this.view.getInt16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A 64-bit value, which must fit a 32-bit address space. */
  u64(): number {
    const lo = this.u32();
    const hi = this.u32();
    if (hi !== 0 && hi !== 0xffffffff) this.fail('64-bit value out of range');
    return lo;
  }

  uleb(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.u8();
      if (shift < 32) result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
      if (shift > 63) this.fail('LEB128 value too long');
    }
    return result > 0xffffffff ? result % 2 ** 32 : result;
  }

  sleb(): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.u8();
      if (shift < 32) result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (shift > 63 && (b & 0x80)) this.fail('LEB128 value too long');
    } while (b & 0x80);
    if (shift < 32 && (b & 0x40)) result -= 2 ** shift;
    return result | 0;
  }

  cstring(): string {
    const start = this.pos;
    while (this.pos < this.end && this.bytes[this.pos] !== 0) this.pos++;
    if (this.pos >= this.end) this.fail('unterminated string');
    const s = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + start, this.pos - start).toString('latin1');
    this.pos++;
    return s;
  }

  block(length: number): Uint8Array {
    this.need(length);
    const b = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return b;
  }

  /** The value part of an encoded pointer, without applying its base. */
  encodedValue(encoding: number): number {
    switch (encoding & 0x0f) {
      case DW_EH_PE_absptr: return this.u32();
      case DW_EH_PE_uleb128: return this.uleb();
      case DW_EH_PE_udata2: return this.u16();
      case DW_EH_PE_udata4: return this.u32();
      case DW_EH_PE_udata8: return this.u64();
      case DW_EH_PE_sleb128: return this.sleb();
      case DW_EH_PE_sdata2: return this.i16();
      case DW_EH_PE_sdata4: return this.i32();
      case DW_EH_PE_sdata8: return this.u64() | 0;
      default: return this.fail(`unknown pointer encoding 0x${encoding.toString(16)}`);
    }
  }

  /**
   * A pointer in DW_EH_PE encoding, as a link-time address. An indirect
   * pointer yields the address of the slot holding the real one.
   */
  pointer(encoding: number, bases: PointerBases = {}): number {
    if (encoding === DW_EH_PE_omit) this.fail('omitted pointer read');
    const fieldAddress = this.here;
    let base = 0;
    switch (encoding & 0x70) {
      case 0: break;
      case DW_EH_PE_pcrel: base = fieldAddress; break;
      case DW_EH_PE_datarel: base = this.base(bases.data, 'datarel'); break;
      case DW_EH_PE_textrel: base = this.base(bases.text, 'textrel'); break;
      case DW_EH_PE_funcrel: base = this.base(bases.func, 'funcrel'); break;
      case DW_EH_PE_aligned: {
        const misalign = this.pos % 4;
        if (misalign) this.pos += 4 - misalign;
        break;
      }
      default: this.fail(`unknown pointer application 0x${(encoding & 0x70).toString(16)}`);
    }
    return (base + this.encodedValue(encoding)) >>> 0;
  }

  private base(value: number | undefined, name: string): number {
    if (value === undefined) this.fail(`${name} pointer without a base`);
    return value;
  }
}
