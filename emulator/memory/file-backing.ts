// The file behind a MAP_SHARED mapping. Its pages are the host kernel's own
// (HostMemory.mapFile), so writes through the mapping and write(2) see each
// other at once, as on Linux. Like a VMA's vm_file it keeps the open file
// alive after the guest closes its descriptor; every region piece that uses
// it holds it, and the last one to go lets it go.
import fs from 'node:fs';

export class FileBacking {
  private pieces = 0;

  constructor(
    readonly hostFd: number,
    /** Whether the host mapping may be written (the file was opened for writing). */
    readonly writable: boolean,
    private readonly onRelease: () => void,
  ) {}

  /** The file's size now: pages wholly past its end are not backed (SIGBUS). */
  size(): number {
    try {
      return Number(fs.fstatSync(this.hostFd, { bigint: true }).size);
    } catch {
      return 0;
    }
  }

  hold(): void {
    this.pieces++;
  }

  drop(): void {
    if (--this.pieces === 0) this.onRelease();
  }
}
