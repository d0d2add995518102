// fork's copy of an address space: the child gets the same mappings with the
// same protections; private pages are copied (only those the host has in
// memory: a page never touched reads as zero in both), and MAP_SHARED
// mappings, file-backed or anonymous (memfd-backed, see mm.ts), map the same
// host pages, so parent and child see each other's writes. Copying is not
// copy-on-write: it costs what memcpy of the resident pages costs (figures
// in scripts/bench/processes.ts).
import { residentPages } from '../host/native.js';
import type { AddressSpace, Region } from './address-space.js';
import type { HostMemory } from './host-memory.js';

const PAGE = 4096;

/** Copy the resident pages of [start, start+length) of `from` into `into` (the same range, zero-filled). */
function copyResident(from: HostMemory, start: number, length: number, into: Uint8Array): number {
  const resident = process.env.NO_MINCORE ? null : residentPages(from.hostBase + start, length);
  const src = from.bytes;
  if (resident === null) {
    into.set(src.subarray(start, start + length));
    return length;
  }
  let copied = 0;
  for (let i = 0; i < resident.length;) {
    if ((resident[i] & 1) === 0) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < resident.length && (resident[j] & 1) !== 0) j++;
    const a = i * PAGE;
    const b = Math.min(length, j * PAGE);
    into.set(src.subarray(start + a, start + b), a);
    copied += b - a;
    i = j;
  }
  return copied;
}

/** Map into the empty `to` every mapping of `from`, as fork does. Returns the bytes copied. */
export function copyAddressSpace(from: AddressSpace, to: AddressSpace): number {
  let copied = 0;
  for (const r of from.regions) copied += copyRegion(from, to, r);
  to.brkStart = from.brkStart;
  to.brkEnd = from.brkEnd;
  to.mmapTop = from.mmapTop;
  return copied;
}

function copyRegion(from: AddressSpace, to: AddressSpace, r: Region): number {
  const length = r.end - r.start;
  if (r.backing) {
    const err = to.map(r.start, length, r.prot, r.kind, r.name, { offset: r.offset, shared: true, backing: r.backing });
    if (err !== 0) throw new Error(`fork: cannot map the shared mapping at 0x${r.start.toString(16)} again (errno ${err})`);
    return 0;
  }
  let copied = 0;
  to.map(r.start, length, r.prot, r.kind, r.name, {
    offset: r.offset,
    shared: r.shared,
    fill: (bytes) => { copied = copyResident(from.memory, r.start, length, bytes); },
  });
  return copied;
}
