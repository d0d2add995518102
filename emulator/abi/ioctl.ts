// ioctl request numbers the file layer understands. Terminal structures
// (struct termios, termios2, winsize) have the same layout on i386 and
// x86-64, so terminal requests can be passed to a host terminal as they are.

export const TCGETS = 0x5401;
export const TCSETS = 0x5402;
export const TCSETSW = 0x5403;
export const TCSETSF = 0x5404;
export const TCSBRK = 0x5409;
export const TCXONC = 0x540a;
export const TCFLSH = 0x540b;
export const TIOCEXCL = 0x540c;
export const TIOCNXCL = 0x540d;
export const TIOCSCTTY = 0x540e;
export const TIOCGPGRP = 0x540f;
export const TIOCSPGRP = 0x5410;
export const TIOCOUTQ = 0x5411;
export const TIOCGWINSZ = 0x5413;
export const TIOCSWINSZ = 0x5414;
export const FIONREAD = 0x541b;
export const TIOCNOTTY = 0x5422;
export const TIOCGETD = 0x5424;
export const TIOCSETD = 0x5425;
export const TIOCGSID = 0x5429;
export const TCGETS2 = 0x802c542a;
export const TCSETS2 = 0x402c542b;
export const TCSETSW2 = 0x402c542c;
export const TCSETSF2 = 0x402c542d;
export const FIONBIO = 0x5421;
export const FIONCLEX = 0x5450;
export const FIOCLEX = 0x5451;
export const FIOASYNC = 0x5452;

const TERMIOS_SIZE = 36;
const TERMIOS2_SIZE = 44;
const WINSIZE_SIZE = 8;
const INT_SIZE = 4;

/**
 * How a terminal request passes its argument: `value` is the argument
 * itself, `none` ignores it; otherwise a pointer to `size` bytes read
 * (`in`), written (`out`) or both.
 */
export type TtyArg = { kind: 'value' } | { kind: 'none' } | { kind: 'in' | 'out'; size: number };

export const TTY_REQUESTS: ReadonlyMap<number, TtyArg> = new Map<number, TtyArg>([
  [TCGETS, { kind: 'out', size: TERMIOS_SIZE }],
  [TCSETS, { kind: 'in', size: TERMIOS_SIZE }],
  [TCSETSW, { kind: 'in', size: TERMIOS_SIZE }],
  [TCSETSF, { kind: 'in', size: TERMIOS_SIZE }],
  [TCGETS2, { kind: 'out', size: TERMIOS2_SIZE }],
  [TCSETS2, { kind: 'in', size: TERMIOS2_SIZE }],
  [TCSETSW2, { kind: 'in', size: TERMIOS2_SIZE }],
  [TCSETSF2, { kind: 'in', size: TERMIOS2_SIZE }],
  [TIOCGWINSZ, { kind: 'out', size: WINSIZE_SIZE }],
  [TIOCSWINSZ, { kind: 'in', size: WINSIZE_SIZE }],
  [TCSBRK, { kind: 'value' }],
  [TCXONC, { kind: 'value' }],
  [TCFLSH, { kind: 'value' }],
  [TIOCEXCL, { kind: 'none' }],
  [TIOCNXCL, { kind: 'none' }],
  [TIOCSCTTY, { kind: 'value' }],
  [TIOCNOTTY, { kind: 'none' }],
  [TIOCGPGRP, { kind: 'out', size: INT_SIZE }],
  [TIOCSPGRP, { kind: 'in', size: INT_SIZE }],
  [TIOCOUTQ, { kind: 'out', size: INT_SIZE }],
  [FIONREAD, { kind: 'out', size: INT_SIZE }],
  [TIOCGETD, { kind: 'out', size: INT_SIZE }],
  [TIOCSETD, { kind: 'in', size: INT_SIZE }],
  [TIOCGSID, { kind: 'out', size: INT_SIZE }],
]);
