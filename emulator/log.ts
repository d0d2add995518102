// Diagnostics by subsystem, written to a stream the caller chooses (the
// host's stderr by default). Passed around as an object; no global level.
import fs from 'node:fs';
import { escapeLines } from '../loader/text/terminal-text.js';

export type Subsystem = 'syscall' | 'memory' | 'elf' | 'patch' | 'signal' | 'net' | 'run';

export interface Logger {
  /**
   * Print a line for the user (warnings, fault reports, strace lines).
   * Control characters other than newlines are escaped; a value from the
   * guest that could hold a newline is escaped by the caller (escapeText).
   */
  line(text: string): void;
  /** Debug output, only for enabled subsystems. */
  debug(sub: Subsystem, text: string): void;
  enabled(sub: Subsystem): boolean;
}

export function createLogger(opts: { fd?: number; debug?: Subsystem[] } = {}): Logger {
  const fd = opts.fd ?? 2;
  const enabled = new Set(opts.debug ?? []);
  const write = (text: string): void => {
    try {
      fs.writeSync(fd, escapeLines(text) + '\n');
    } catch {
      // diagnostics must never take the host down
    }
  };
  return {
    line: write,
    debug: (sub, text) => {
      if (enabled.has(sub)) write(`[${sub}] ${text}`);
    },
    enabled: (sub) => enabled.has(sub),
  };
}
