// The list of loaded objects the way debuggers find it: the executable's
// DT_DEBUG entry (in its dynamic section, in memory) holds the address of
// ld.so's struct r_debug, whose r_map heads the struct link_map list.
// Everything read here comes from guest memory the program may have
// scribbled on, so every read is checked and the walk is bounded: a cycle or
// a bad pointer is a LinkMapError, never a hang.
import { DT_DEBUG, DT_NULL } from '../elf/constants.js';
import { ProgramMemory, hex } from './program-memory.js';
import {
  DYN_ENTRY_SIZE, LINK_MAP, R_DEBUG, R_DEBUG_EXTENDED_VERSION, RT_ADD, RT_CONSISTENT, RT_DELETE,
} from './link-map-abi.js';

/** The r_debug/link_map structures in memory are not what ld.so writes. */
export class LinkMapError extends Error {
  override name = 'LinkMapError';
}

/** ld.so is adding or removing objects right now (dlopen, dlclose): the list is half-built. */
export class LinkMapBusyError extends Error {
  override name = 'LinkMapBusyError';
  constructor(readonly state: 'adding' | 'deleting') {
    super(`the dynamic linker is ${state === 'adding' ? 'adding objects to' : 'removing objects from'} its list (r_state ${state === 'adding' ? 'RT_ADD' : 'RT_DELETE'}); try again`);
  }
}

export interface RDebug {
  address: number;
  version: number;
  /** First struct link_map of this namespace. */
  map: number;
  /** Address of _dl_debug_state, where a debugger puts its breakpoint. */
  brk: number;
  state: number;
  /** Load base of ld.so. */
  ldbase: number;
  /** Next namespace's r_debug (r_debug_extended), or 0. */
  next: number;
}

export interface LinkMapEntry {
  /** Address of the struct link_map itself. */
  address: number;
  /** l_addr: run-time minus link-time address. */
  bias: number;
  /** l_name as ld.so wrote it: empty for the executable. */
  name: string;
  /** l_ld: run-time address of the object's dynamic section. */
  dynamic: number;
  /** dlmopen namespace, 0 for the main one. */
  namespace: number;
}

/** Far more objects than any program loads; beyond this the list is taken to be corrupt. */
const MAX_OBJECTS = 4096;
/** glibc's DL_NNS. */
const MAX_NAMESPACES = 16;
/** PATH_MAX: ld.so's names are paths. */
const MAX_NAME = 4096;

function word(memory: ProgramMemory, address: number, what: string): number {
  const v = memory.u32(address);
  if (v === null) throw new LinkMapError(`${what} is not readable (address ${hex(address)})`);
  return v;
}

/**
 * The d_ptr of the DT_DEBUG entry of the dynamic array at `dynamic` (run
 * time), reading at most `maxEntries` entries: 0 until ld.so fills it in,
 * null when the array has no DT_DEBUG entry.
 */
export function debugPointer(memory: ProgramMemory, dynamic: number, maxEntries: number): number | null {
  for (let i = 0; i < maxEntries; i++) {
    const at = dynamic + i * DYN_ENTRY_SIZE;
    const tag = word(memory, at, 'dynamic entry');
    if (tag === DT_NULL) return null;
    if (tag === DT_DEBUG) return word(memory, at + 4, 'DT_DEBUG value');
  }
  return null;
}

export function readRDebug(memory: ProgramMemory, address: number): RDebug {
  const field = (offset: number, name: string): number => word(memory, address + offset, `r_debug.${name}`);
  const version = field(R_DEBUG.version, 'r_version');
  if (version < 1 || version > 64) throw new LinkMapError(`r_debug at ${hex(address)} has r_version ${version}: not a glibc r_debug`);
  return {
    address,
    version,
    map: field(R_DEBUG.map, 'r_map'),
    brk: field(R_DEBUG.brk, 'r_brk'),
    state: field(R_DEBUG.state, 'r_state'),
    ldbase: field(R_DEBUG.ldbase, 'r_ldbase'),
    next: version >= R_DEBUG_EXTENDED_VERSION ? field(R_DEBUG.next, 'r_next') : 0,
  };
}

function checkState(r: RDebug): void {
  if (r.state === RT_CONSISTENT) return;
  if (r.state === RT_ADD) throw new LinkMapBusyError('adding');
  if (r.state === RT_DELETE) throw new LinkMapBusyError('deleting');
  throw new LinkMapError(`r_debug at ${hex(r.address)} has r_state ${r.state}, not RT_CONSISTENT, RT_ADD or RT_DELETE`);
}

/** Every struct link_map of every namespace, in list order, from the r_debug at `rDebug`. */
export function readLinkMap(memory: ProgramMemory, rDebug: number): LinkMapEntry[] {
  const entries: LinkMapEntry[] = [];
  const seen = new Set<number>();
  const seenDebug = new Set<number>();
  for (let ns = 0, at = rDebug; at !== 0; ns++) {
    if (seenDebug.has(at) || ns >= MAX_NAMESPACES) throw new LinkMapError(`the r_debug namespace chain loops back at ${hex(at)}`);
    seenDebug.add(at);
    const r = readRDebug(memory, at);
    checkState(r);
    let prev = 0;
    for (let lm = r.map; lm !== 0;) {
      const where = `link_map entry ${entries.length} at ${hex(lm)}`;
      if (seen.has(lm)) throw new LinkMapError(`the link_map list loops back to ${hex(lm)} after ${entries.length} entries`);
      if (entries.length >= MAX_OBJECTS) throw new LinkMapError(`the link_map list has more than ${MAX_OBJECTS} entries`);
      seen.add(lm);
      const field = (offset: number, name: string): number => word(memory, lm + offset, `${name} of ${where}`);
      const bias = field(LINK_MAP.addr, 'l_addr');
      const namePtr = field(LINK_MAP.name, 'l_name');
      const dynamic = field(LINK_MAP.ld, 'l_ld');
      const next = field(LINK_MAP.next, 'l_next');
      const back = field(LINK_MAP.prev, 'l_prev');
      if (back !== prev) throw new LinkMapError(`l_prev of ${where} is ${hex(back)}, not the previous entry ${hex(prev)}`);
      let name = '';
      if (namePtr !== 0) {
        const s = memory.cstring(namePtr, MAX_NAME);
        if (s === null) throw new LinkMapError(`l_name of ${where} (${hex(namePtr)}) is not a readable string`);
        name = s;
      }
      entries.push({ address: lm, bias, name, dynamic, namespace: ns });
      prev = lm;
      lm = next;
    }
    at = r.next;
  }
  return entries;
}
