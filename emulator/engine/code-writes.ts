// Fast guest stores that still notice writes to code (self-modifying code,
// JIT compilers inside the guest), for Debian 12's Unicorn 2.0.1.
//
// QEMU keeps stores to pages holding translated code on a slow path
// (TLB_NOTDIRTY) that invalidates the translations they overwrite. Unicorn
// 2.0.1 stubbed out the per-page "has code" state, so every writable TLB
// entry got TLB_NOTDIRTY and every store took the slow path (~90 ns; upstream
// issue #1970). Dropping the flag everywhere made stores fast but left code
// writes undetected: a JIT ran stale translations.
//
// Here the state is kept again, one bit per host page of guest memory:
//   - tlb_protect_code (the first block translated from a page) sets the
//     page's bit and marks the page's existing TLB entries TLB_NOTDIRTY
//     (tlb_reset_dirty), as QEMU does;
//   - tlb_unprotect_code (the page's last block invalidated) clears it;
//   - tlb_set_page_with_attrs sets TLB_NOTDIRTY on a new writable entry only
//     when its page's bit is set.
// Bits are indexed by host address, unique across engines in this process,
// through a table of 128 KiB bitmaps, one per 4 GiB of host address space,
// allocated for each machine's guest memory. A page of any other host memory
// (an engine that maps memory of its own) keeps the slow, always-correct path.
// Every piece of machine code replaced is compared byte for byte first.
import { mapAnonymous } from '../host/native.js';
import { absoluteJump, hexAt, isAbsoluteJump, placeCode, unicornSymbol, writeCode } from './native-code.js';

/** Host user addresses are below 2^47: 2^15 windows of 4 GiB. */
const WINDOWS = 1 << 15;
const WINDOW_BYTES = (2 ** 32 / 4096) / 8;

/** tlb_set_page_with_attrs_x86_64 + 0x3bd: the writable-RAM branch QEMU marks notdirty. */
const SET_PAGE_CONTEXT_AT = 0x3bd;
const SET_PAGE_CONTEXT =
  'f644241c02' + '0f8467fdffff' + // testb $2,0x1c(%rsp) (PAGE_WRITE?); je  (not writable)
  '488b742408' + //                  mov 0x8(%rsp),%rsi       (section)
  '4981c900040000' + //              or $TLB_NOTDIRTY,%r9     <- made conditional
  '807e3000' + '0f8451fdffff' + //   cmpb $0,0x30(%rsi); je  (section->readonly?)
  '4d89e9' + '4983c940' + //         mov %r13,%r9; or $TLB_DISCARD_WRITE,%r9
  'e945fdffff'; //                   jmp (store the entry)
const SET_PAGE_REPLACED_AT = 0x3c8;
const SET_PAGE_REPLACED_LENGTH = 0x3ea - 0x3c8;
/** Where both branches of the replaced code continue. */
const SET_PAGE_RESUME_AT = 0x12f;

const PROTECT_CODE = '4889f7ba01000000be00100000e9'; // the stub calling the dirty-memory no-op
const UNPROTECT_CODE = 'c366662e0f1f8400000000000f1f4000'; // ret, then padding to 16 bytes
const MAP_RAM_PTR = '534889d34885f674'; // qemu_map_ram_ptr: push %rbx; mov %rdx,%rbx; test %rsi,%rsi; je
const RESET_DIRTY = '4889f8534989f04889d74c8b902801'; // tlb_reset_dirty: reads cpu->... +0x128 like tlb_set_page
/** uc->cpu, as tlb-flush.ts checks in uc_emu_stop. */
const UC_CPU = 0x180;

const u64 = (v: number | bigint): number[] => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  return [...b];
};

/** rdx = window bitmap of the host address in rax (0 if none); rsi is clobbered. */
function loadWindow(table: number): number[] {
  return [
    0x48, 0x89, 0xc6, //             mov %rax,%rsi
    0x48, 0xc1, 0xee, 0x20, //       shr $32,%rsi
    0x48, 0xba, ...u64(table), //    movabs $table,%rdx
    0x48, 0x8b, 0x14, 0xf2, //       mov (%rdx,%rsi,8),%rdx
  ];
}

/** In tlb_set_page_with_attrs: TLB_NOTDIRTY only for pages with code (or of unknown memory). */
function setPageThunk(table: number, resume: number): number[] {
  return [
    0x48, 0x8b, 0x44, 0x24, 0x10, // mov 0x10(%rsp),%rax     (host address of the page)
    ...loadWindow(table),
    0x48, 0x85, 0xd2, //             test %rdx,%rdx
    0x74, 0x09, //                   je notdirty
    0xc1, 0xe8, 0x0c, //             shr $12,%eax             (page in the window)
    0x48, 0x0f, 0xa3, 0x02, //       bt %rax,(%rdx)
    0x73, 0x07, //                   jnc fast
    0x49, 0x81, 0xc9, 0x00, 0x04, 0x00, 0x00, // notdirty: or $0x400,%r9
    0x48, 0x8b, 0x74, 0x24, 0x08, // fast: mov 0x8(%rsp),%rsi
    0x80, 0x7e, 0x30, 0x00, //       cmpb $0,0x30(%rsi)
    0x74, 0x07, //                   je resume
    0x4d, 0x89, 0xe9, //             mov %r13,%r9
    0x49, 0x83, 0xc9, 0x40, //       or $0x40,%r9
    ...absoluteJump(resume), //      resume
  ];
}

/** tlb_protect_code(uc, ram_addr): set the page's bit, make its TLB entries notdirty. */
function protectThunk(table: number, mapRamPtr: number, resetDirty: number): number[] {
  return [
    0x53, //                         push %rbx
    0x41, 0x54, //                   push %r12
    0x48, 0x83, 0xec, 0x08, //       sub $8,%rsp
    0x48, 0x89, 0xfb, //             mov %rdi,%rbx            (uc)
    0x48, 0x89, 0xf2, //             mov %rsi,%rdx            (ram_addr)
    0x31, 0xf6, //                   xor %esi,%esi            (block: look it up)
    0x48, 0xb8, ...u64(mapRamPtr), 0xff, 0xd0, // call qemu_map_ram_ptr
    0x48, 0x25, 0x00, 0xf0, 0xff, 0xff, // and $-4096,%rax
    0x49, 0x89, 0xc4, //             mov %rax,%r12            (host page)
    ...loadWindow(table),
    0x48, 0x85, 0xd2, //             test %rdx,%rdx
    0x74, 0x07, //                   je 1f
    0xc1, 0xe8, 0x0c, //             shr $12,%eax
    0x48, 0x0f, 0xab, 0x02, //       bts %rax,(%rdx)
    0x48, 0x8b, 0xbb, ...u64(UC_CPU).slice(0, 4), // 1: mov UC_CPU(%rbx),%rdi
    0x4c, 0x89, 0xe6, //             mov %r12,%rsi
    0xba, 0x00, 0x10, 0x00, 0x00, // mov $0x1000,%edx
    0x48, 0xb8, ...u64(resetDirty), 0xff, 0xd0, // call tlb_reset_dirty
    0x48, 0x83, 0xc4, 0x08, //       add $8,%rsp
    0x41, 0x5c, //                   pop %r12
    0x5b, //                         pop %rbx
    0xc3, //                         ret
  ];
}

/** tlb_unprotect_code(uc, ram_addr): the page holds no translated code any more. */
function unprotectThunk(table: number, mapRamPtr: number): number[] {
  return [
    0x48, 0x83, 0xec, 0x08, //       sub $8,%rsp
    0x48, 0x89, 0xf2, //             mov %rsi,%rdx
    0x31, 0xf6, //                   xor %esi,%esi
    0x48, 0xb8, ...u64(mapRamPtr), 0xff, 0xd0, // call qemu_map_ram_ptr
    ...loadWindow(table),
    0x48, 0x85, 0xd2, //             test %rdx,%rdx
    0x74, 0x07, //                   je 1f
    0xc1, 0xe8, 0x0c, //             shr $12,%eax
    0x48, 0x0f, 0xb3, 0x02, //       btr %rax,(%rdx)
    0x48, 0x83, 0xc4, 0x08, //       1: add $8,%rsp
    0xc3, //                         ret
  ];
}

let table: BigUint64Array | null = null;
let tableAddress = 0;
let installed: boolean | undefined;
/** The window bitmaps, by window number (their memory is what table[] points at). */
const bitmaps = new Map<number, Uint8Array>();

/** Zeroed memory that lives as long as the process (the thunks hold its address). */
function allocate(bytes: number): { address: number; buffer: ArrayBuffer } | null {
  return mapAnonymous(bytes);
}

/**
 * Install the three replacements, once per process. Returns false (and says
 * why in `notes`) on a build whose code differs: stores then keep the
 * engine's own slow, correct path.
 */
export function trackCodeWrites(notes: string[]): boolean {
  if (installed !== undefined) return installed;
  installed = false;
  const setPage = unicornSymbol('tlb_set_page_with_attrs_x86_64');
  const protect = unicornSymbol('tlb_protect_code_x86_64');
  const unprotect = unicornSymbol('tlb_unprotect_code_x86_64');
  const mapRamPtr = unicornSymbol('qemu_map_ram_ptr_x86_64');
  const resetDirty = unicornSymbol('tlb_reset_dirty_x86_64');
  const known = setPage !== null && protect !== null && unprotect !== null && mapRamPtr !== null && resetDirty !== null &&
    hexAt(setPage + SET_PAGE_CONTEXT_AT, SET_PAGE_CONTEXT.length / 2) === SET_PAGE_CONTEXT &&
    hexAt(protect, PROTECT_CODE.length / 2) === PROTECT_CODE &&
    hexAt(unprotect, UNPROTECT_CODE.length / 2) === UNPROTECT_CODE &&
    hexAt(mapRamPtr, MAP_RAM_PTR.length / 2) === MAP_RAM_PTR &&
    hexAt(resetDirty, RESET_DIRTY.length / 2) === RESET_DIRTY;
  if (!known) {
    notes.push('unrecognised Unicorn build: guest stores use the slow path');
    return false;
  }
  if (isAbsoluteJump(setPage + SET_PAGE_REPLACED_AT)) {
    notes.push('the store path was already replaced by another copy of dsu in this process: stores use the slow path');
    return false;
  }
  const area = allocate(WINDOWS * 8);
  if (area === null) {
    notes.push('cannot allocate the code-page table: guest stores use the slow path');
    return false;
  }
  tableAddress = area.address;
  table = new BigUint64Array(area.buffer);
  const code = placeCode([
    setPageThunk(tableAddress, setPage + SET_PAGE_RESUME_AT),
    protectThunk(tableAddress, mapRamPtr, resetDirty),
    unprotectThunk(tableAddress, mapRamPtr),
  ]);
  if (code === null) {
    notes.push('cannot place code for the store path: guest stores use the slow path');
    return false;
  }
  const [setPageEntry, protectEntry, unprotectEntry] = code;
  // the page tracking first, so no page with code is ever missed once stores go fast
  const jumpOver = (length: number, target: number): number[] => {
    const j = absoluteJump(target);
    return [...j, ...new Array(length - j.length).fill(0xcc)];
  };
  if (!writeCode(protect, absoluteJump(protectEntry)) || !writeCode(unprotect, absoluteJump(unprotectEntry)) ||
    !writeCode(setPage + SET_PAGE_REPLACED_AT, jumpOver(SET_PAGE_REPLACED_LENGTH, setPageEntry))) {
    notes.push('cannot write over the engine\'s store path: guest stores use the slow path');
    return false;
  }
  installed = true;
  return true;
}

/**
 * Track code pages of guest memory at [hostBase, hostBase + length): stores
 * to its pages without translated code go the fast way.
 */
export function trackGuestMemory(hostBase: number, length: number): void {
  if (!installed || !table) return;
  for (let w = Math.floor(hostBase / 2 ** 32); w <= Math.floor((hostBase + length - 1) / 2 ** 32); w++) {
    if (w >= WINDOWS || table[w] !== 0n) continue;
    const bitmap = allocate(WINDOW_BYTES);
    if (bitmap === null) continue; // that window's stores stay on the slow path
    bitmaps.set(w, new Uint8Array(bitmap.buffer));
    table[w] = BigInt(bitmap.address);
  }
}

/** Clear bits first..last: whole bytes at once (a 4 GiB guest space is a million pages). */
function clearBits(bits: Uint8Array, first: number, last: number): void {
  let p = first;
  for (; p <= last && (p & 7) !== 0; p++) bits[p >> 3] &= ~(1 << (p & 7));
  const wholeBytesEnd = (last + 1) >> 3;
  if (p >> 3 < wholeBytesEnd) {
    bits.fill(0, p >> 3, wholeBytesEnd);
    p = wholeBytesEnd << 3;
  }
  for (; p <= last; p++) bits[p >> 3] &= ~(1 << (p & 7));
}

/** Forget the code pages of released guest memory (another machine may reuse its host addresses). */
export function untrackGuestMemory(hostBase: number, length: number): void {
  if (!installed || !table) return;
  for (let page = hostBase; page < hostBase + length;) {
    const w = Math.floor(page / 2 ** 32);
    const windowEnd = Math.min((w + 1) * 2 ** 32, hostBase + length);
    const bits = bitmaps.get(w);
    if (bits) {
      const first = (page % 2 ** 32) / 4096;
      const last = Math.floor(((windowEnd - 1) % 2 ** 32) / 4096);
      clearBits(bits, first, last);
    }
    page = windowEnd;
  }
}
