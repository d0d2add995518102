// The initial process stack, laid out as the Linux kernel does for i386:
// argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL, then the strings.
const AT_NULL = 0;
export const AT_PHDR = 3;
export const AT_PHENT = 4;
export const AT_PHNUM = 5;
export const AT_PAGESZ = 6;
export const AT_BASE = 7;
export const AT_FLAGS = 8;
export const AT_ENTRY = 9;
export const AT_UID = 11;
export const AT_EUID = 12;
export const AT_GID = 13;
export const AT_EGID = 14;
const AT_PLATFORM = 15;
export const AT_HWCAP = 16;
export const AT_CLKTCK = 17;
export const AT_SECURE = 23;
const AT_RANDOM = 25;
export const AT_HWCAP2 = 26;
const AT_EXECFN = 31;

export interface StackInput {
  top: number;
  argv: ArgString[];
  envp: ArgString[];
  execfn: ArgString;
  /** auxv entries without AT_RANDOM, AT_EXECFN, AT_PLATFORM (added here). */
  auxv: [number, number][];
  random: Uint8Array;
}

/** An argument or environment string: text (UTF-8 on the stack), or the exact bytes execve was given. */
export type ArgString = string | Uint8Array;

export interface StackLayout {
  sp: number;
  argvAddresses: number[];
  auxv: [number, number][];
}

/** Write the stack image just below `top` through `write`; returns the initial ESP. */
export function buildStack(input: StackInput, write: (address: number, bytes: Uint8Array) => void): StackLayout {
  let sp = input.top;
  const put = (bytes: Uint8Array): number => {
    sp -= bytes.length;
    write(sp, bytes);
    return sp;
  };
  const str = (s: ArgString): number => put(typeof s === 'string' ? Buffer.from(s + '\0', 'utf8') : Buffer.concat([s, new Uint8Array(1)]));
  put(new Uint8Array(4)); // end marker
  const execfn = str(input.execfn);
  const envAddrs = input.envp.map(str);
  const argAddrs = input.argv.map(str);
  const platform = str('i686');
  sp -= sp % 16;
  const random = put(input.random.subarray(0, 16));
  const auxv: [number, number][] = [
    ...input.auxv,
    [AT_PLATFORM, platform],
    [AT_RANDOM, random],
    [AT_EXECFN, execfn],
    [AT_NULL, 0],
  ];
  const words = 1 + input.argv.length + 1 + input.envp.length + 1 + auxv.length * 2;
  sp -= words * 4;
  sp -= sp % 16;
  const table = new DataView(new ArrayBuffer(words * 4));
  let i = 0;
  const w = (v: number): void => { table.setUint32(4 * i++, v >>> 0, true); };
  w(input.argv.length);
  for (const a of argAddrs) w(a);
  w(0);
  for (const e of envAddrs) w(e);
  w(0);
  for (const [k, v] of auxv) { w(k); w(v); }
  write(sp, new Uint8Array(table.buffer));
  return { sp, argvAddresses: argAddrs, auxv };
}
