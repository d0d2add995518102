// Where trace lines go: the host's stderr or a file (--strace-file). Each
// line is written whole, in one write when the kernel takes it, so it never
// interleaves mid-line with the program's own output to the same stream;
// a full pipe (EAGAIN) is waited out rather than losing the line.
import fs from 'node:fs';

export interface TraceOutput {
  /** Write one line (without its newline). */
  line(text: string): void;
  /** strace -o's pid column on every line (true for a file, as `strace -f -o` does). */
  readonly isFile: boolean;
  close(): void;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function writeWhole(fd: number, data: Buffer): void {
  let off = 0;
  for (let tries = 0; off < data.length;) {
    try {
      off += fs.writeSync(fd, data, off, data.length - off);
      tries = 0;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' || ++tries > 2000) return;
      Atomics.wait(sleeper, 0, 0, 1);
    }
  }
}

/** Lines to the host's stderr. */
export function stderrOutput(): TraceOutput {
  return {
    isFile: false,
    line: (text) => writeWhole(2, Buffer.from(text + '\n')),
    close: () => {},
  };
}

/** Lines to a file dsu creates (or truncates), as strace -o does. */
export function fileOutput(path: string): TraceOutput {
  const fd = fs.openSync(path, 'w');
  let open = true;
  return {
    isFile: true,
    line: (text) => {
      if (open) writeWhole(fd, Buffer.from(text + '\n'));
    },
    close: () => {
      if (!open) return;
      open = false;
      fs.closeSync(fd);
    },
  };
}
