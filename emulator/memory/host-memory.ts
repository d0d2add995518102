// The guest's whole 4 GiB address space, reserved once in host memory.
// Guest address A lives at byte A of `bytes`: the host reads and writes guest
// memory without any call into the engine, and the engine maps the same pages
// with uc_mem_map_ptr. Pages cost host RAM only once touched (MAP_NORESERVE).
import koffi from 'koffi';

const libc = koffi.load('libc.so.6');
const mmap = libc.func('void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off)');
const munmap = libc.func('int munmap(void *addr, size_t len)');
const madvise = libc.func('int madvise(uint64_t addr, size_t len, int advice)');

const PROT_READ = 1;
const PROT_WRITE = 2;
const MAP_PRIVATE = 0x02;
const MAP_ANONYMOUS = 0x20;
const MAP_NORESERVE = 0x4000;
const MADV_DONTNEED = 4;

export const GUEST_SPACE = 2 ** 32;

export class HostMemory {
  /** Emptied by release(): a late access then fails in JavaScript, not with a host crash. */
  bytes: Uint8Array;
  view: DataView;
  /** Host address of guest address 0, as a number (exact below 2^53). */
  readonly hostBase: number;
  private ptr: unknown;

  constructor() {
    const ptr = mmap(null, GUEST_SPACE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    const addr = ptr === null ? 0n : koffi.address(ptr);
    if (addr === 0n || addr === 0xffffffffffffffffn) throw new Error('cannot reserve 4 GiB of host address space for the guest');
    this.ptr = ptr;
    this.hostBase = Number(addr);
    const buffer = koffi.view(ptr, GUEST_SPACE);
    this.bytes = new Uint8Array(buffer);
    this.view = new DataView(buffer);
  }

  /** Give pages back to the host: they read as zeros afterwards. */
  discard(address: number, length: number): void {
    if (length > 0) madvise(this.hostBase + address, length, MADV_DONTNEED);
  }

  release(): void {
    this.bytes = new Uint8Array(0);
    this.view = new DataView(new ArrayBuffer(0));
    if (this.ptr !== null) munmap(this.ptr, GUEST_SPACE);
    this.ptr = null;
  }
}
