// The guest's whole 4 GiB address space, reserved once in host memory.
// Guest address A lives at byte A of `bytes`: the host reads and writes guest
// memory without any call into the engine, and the engine maps the same pages
// with uc_mem_map_ptr. Pages cost host RAM only once touched (MAP_NORESERVE).
import { lastErrno } from '../host/ffi.js';
import { MAP_ANONYMOUS, MAP_FIXED, MAP_NORESERVE, MAP_PRIVATE, MAP_SHARED } from '../abi/mman.js';
import { hostMadvise as madvise, hostMmapAt as mmapAt, mapAnonymous, NativeArea } from '../host/native.js';


const PROT_READ = 1;
const PROT_WRITE = 2;
const MADV_DONTNEED = 4;

export const GUEST_SPACE = 2 ** 32;

export class HostMemory {
  /** Emptied by release(): a late access then fails in JavaScript, not with a host crash. */
  bytes: Uint8Array;
  view: DataView;
  /** Host address of guest address 0, as a number (exact below 2^53). */
  readonly hostBase: number;
  private readonly area: NativeArea;

  constructor() {
    const area = mapAnonymous(GUEST_SPACE);
    if (area === null) throw new Error('cannot reserve 4 GiB of host address space for the guest');
    this.area = area;
    this.hostBase = area.address;
    const buffer = area.buffer;
    this.bytes = new Uint8Array(buffer);
    this.view = new DataView(buffer);
  }

  /** Give pages back to the host: they read as zeros afterwards. */
  discard(address: number, length: number): void {
    if (length > 0) madvise(this.hostBase + address, length, MADV_DONTNEED);
  }

  /**
   * Put the host file's pages at [address, address+length): the guest then
   * shares the host kernel's page cache with every other user of the file.
   * Returns 0 or the host's errno.
   */
  mapFile(address: number, length: number, hostFd: number, offset: number, writable: boolean): number {
    if (length <= 0) return 0;
    const prot = PROT_READ | (writable ? PROT_WRITE : 0);
    const r = mmapAt(this.hostBase + address, length, prot, MAP_SHARED | MAP_FIXED, hostFd, offset);
    return BigInt(r) === BigInt(this.hostBase + address) ? 0 : lastErrno();
  }

  /** Turn pages that mapFile() placed back into zeroed private memory. */
  unmapFile(address: number, length: number): void {
    if (length <= 0) return;
    mmapAt(this.hostBase + address, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
  }

  release(): void {
    this.bytes = new Uint8Array(0);
    this.view = new DataView(new ArrayBuffer(0));
    this.area.release();
  }
}
