// The unwind information of the functions a patch keeps: a relocatable
// object's .eh_frame holds one FDE per function (its pc_begin relocated
// against the function's section) and the CIEs they share. The kept FDEs and
// their CIEs are copied in order, with each FDE's CIE pointer recomputed and
// the relocations moved with them, so the patch's code can be unwound while
// the patcher waits for a safe point.
import type { ObjReloc, ObjSection } from './relocatable.js';

export interface FilteredFrames {
  data: Uint8Array;
  relocs: ObjReloc[];
}

interface FrameRecord {
  start: number;
  /** Bytes, length field included. */
  size: number;
  /** 0 for a CIE; for an FDE, the offset of its CIE. */
  cie: number | null;
}

function records(data: Uint8Array): FrameRecord[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out: FrameRecord[] = [];
  for (let at = 0; at + 4 <= data.length;) {
    const length = view.getUint32(at, true);
    if (length === 0) break; // terminator
    if (length === 0xffffffff || at + 4 + length > data.length || length < 4) throw new Error(`malformed .eh_frame record at ${at}`);
    const id = view.getUint32(at + 4, true);
    out.push({ start: at, size: 4 + length, cie: id === 0 ? null : at + 4 - id });
    at += 4 + length;
  }
  return out;
}

/** Keeps the FDEs for which `keep(reloc of pc_begin)` holds, and the CIEs they use. */
export function filterEhFrame(section: ObjSection, keep: (pcBegin: ObjReloc) => boolean): FilteredFrames {
  const recs = records(section.data);
  const relocsIn = (r: FrameRecord): ObjReloc[] => section.relocs.filter((x) => x.offset >= r.start && x.offset < r.start + r.size);
  const keptFdes = recs.filter((r) => {
    if (r.cie === null) return false;
    const pc = section.relocs.find((x) => x.offset === r.start + 8);
    return pc !== undefined && keep(pc);
  });
  const neededCies = new Set(keptFdes.map((r) => r.cie!));
  const kept = recs.filter((r) => (r.cie === null ? neededCies.has(r.start) : keptFdes.includes(r)));
  const moved = new Map<number, number>();
  const parts: Uint8Array[] = [];
  const relocs: ObjReloc[] = [];
  let size = 0;
  for (const r of kept) {
    moved.set(r.start, size);
    const bytes = Uint8Array.from(section.data.subarray(r.start, r.start + r.size));
    if (r.cie !== null) {
      // CIE pointer: from this field back to the CIE's start
      new DataView(bytes.buffer).setUint32(4, size + 4 - moved.get(r.cie)!, true);
    }
    for (const x of relocsIn(r)) relocs.push({ ...x, offset: x.offset - r.start + size });
    parts.push(bytes);
    size += r.size;
  }
  const data = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return { data, relocs };
}
