// The i386 kernel's signal frames (arch/x86/include/asm/sigframe.h):
// struct sigframe for handlers without SA_SIGINFO, struct rt_sigframe (with
// siginfo and ucontext) for SA_SIGINFO, the sigcontext both carry, and the
// _fpstate_32 area (legacy FSAVE header followed by an FXSAVE image).

/** struct sigframe_ia32 */
export const SIGFRAME = {
  pretcode: 0,
  sig: 4,
  sc: 8,
  /** fpstate_unused: kept so that extramask stays where old programs expect it. */
  extramask: 720,
  retcode: 724,
  size: 732,
} as const;

/** struct rt_sigframe_ia32 */
export const RT_SIGFRAME = {
  pretcode: 0,
  sig: 4,
  pinfo: 8,
  puc: 12,
  info: 16,
  uc: 144,
  retcode: 260,
  size: 268,
} as const;

/** struct ucontext (i386) */
export const UCONTEXT = {
  flags: 0,
  link: 4,
  stackSp: 8,
  stackFlags: 12,
  stackSize: 16,
  mcontext: 20,
  sigmask: 108,
  size: 116,
} as const;

/** retcode of a sigframe: popl %eax; movl $__NR_sigreturn,%eax; int $0x80 */
export const SIGRETURN_CODE = Uint8Array.of(0x58, 0xb8, 119, 0, 0, 0, 0xcd, 0x80);
/** retcode of an rt_sigframe: movl $__NR_rt_sigreturn,%eax; int $0x80 */
export const RT_SIGRETURN_CODE = Uint8Array.of(0xb8, 173, 0, 0, 0, 0xcd, 0x80, 0);

/** struct sigcontext_32, field by field. */
export interface SigContext {
  gs: number; fs: number; es: number; ds: number;
  edi: number; esi: number; ebp: number; esp: number;
  ebx: number; edx: number; ecx: number; eax: number;
  trapno: number; err: number; eip: number; cs: number;
  eflags: number; espAtSignal: number; ss: number;
  /** Address of the frame's _fpstate_32, 0 when absent. */
  fpstate: number;
  /** Low word of the blocked mask to restore. */
  oldmask: number;
  cr2: number;
}

export const SIGCONTEXT_SIZE = 88;
const SC_FIELDS: readonly (keyof SigContext)[] = [
  'gs', 'fs', 'es', 'ds', 'edi', 'esi', 'ebp', 'esp', 'ebx', 'edx', 'ecx', 'eax',
  'trapno', 'err', 'eip', 'cs', 'eflags', 'espAtSignal', 'ss', 'fpstate', 'oldmask', 'cr2',
];
const SEGMENTS = new Set<keyof SigContext>(['gs', 'fs', 'es', 'ds', 'cs', 'ss']);

export function encodeSigcontext(sc: SigContext): Uint8Array {
  const out = new Uint8Array(SIGCONTEXT_SIZE);
  const v = new DataView(out.buffer);
  SC_FIELDS.forEach((f, i) => v.setUint32(4 * i, (SEGMENTS.has(f) ? sc[f] & 0xffff : sc[f]) >>> 0, true));
  return out;
}

export function decodeSigcontext(bytes: Uint8Array): SigContext {
  const v = new DataView(bytes.buffer, bytes.byteOffset, SIGCONTEXT_SIZE);
  const sc = {} as SigContext;
  SC_FIELDS.forEach((f, i) => {
    const x = v.getUint32(4 * i, true);
    sc[f] = SEGMENTS.has(f) ? x & 0xffff : x;
  });
  return sc;
}

/** x87 and SSE state, as FXSAVE sees it. */
export interface FpuState {
  fcw: number;
  fsw: number;
  /** Full 16-bit tag word (2 bits per physical register, 3 = empty). */
  ftw: number;
  fop: number;
  fip: number;
  fcs: number;
  foo: number;
  fos: number;
  mxcsr: number;
  /** ST(0)..ST(7), 10 bytes each, in stack order. */
  st: Uint8Array[];
  /** XMM0..XMM7, 16 bytes each. */
  xmm: Uint8Array[];
}

/** sizeof(struct _fpstate_32) without extended state: FSAVE header + FXSAVE image. */
export const FPSTATE_SIZE = 624;
/** The FXSAVE image starts after the legacy header (struct fregs_state). */
export const FXSAVE_OFFSET = 112;
export const FXSAVE_SIZE = 512;
/** _fpstate_32.magic for "FXSAVE data follows". */
const X86_FXSR_MAGIC = 0x0000;
/** MXCSR bits a program may set (mxcsr_feature_mask with DAZ). */
export const MXCSR_MASK = 0xffff;

/** The state the kernel gives a signal handler (fpu__clear_user_states). */
export function initialFpuState(): FpuState {
  return {
    fcw: 0x037f, fsw: 0, ftw: 0xffff, fop: 0, fip: 0, fcs: 0, foo: 0, fos: 0, mxcsr: 0x1f80,
    st: Array.from({ length: 8 }, () => new Uint8Array(10)),
    xmm: Array.from({ length: 8 }, () => new Uint8Array(16)),
  };
}

function abridgedTag(ftw: number): number {
  let tag = 0;
  for (let i = 0; i < 8; i++) if (((ftw >> (2 * i)) & 3) !== 3) tag |= 1 << i;
  return tag;
}

/** Encode struct _fpstate_32 as the kernel writes it for an FXSR machine. */
export function encodeFpstate(f: FpuState): Uint8Array {
  const out = new Uint8Array(FPSTATE_SIZE);
  const v = new DataView(out.buffer);
  // legacy FSAVE-format environment (convert_from_fxsr)
  v.setUint32(0, (f.fcw | 0xffff0000) >>> 0, true);
  v.setUint32(4, (f.fsw | 0xffff0000) >>> 0, true);
  v.setUint32(8, (f.ftw | 0xffff0000) >>> 0, true);
  v.setUint32(12, f.fip >>> 0, true);
  v.setUint32(16, ((f.fcs & 0xffff) | ((f.fop & 0x7ff) << 16)) >>> 0, true);
  v.setUint32(20, f.foo >>> 0, true);
  v.setUint32(24, ((f.fos & 0xffff) | 0xffff0000) >>> 0, true);
  for (let i = 0; i < 8; i++) out.set(f.st[i].subarray(0, 10), 28 + 10 * i);
  v.setUint16(108, f.fsw, true);
  v.setUint16(110, X86_FXSR_MAGIC, true);
  // FXSAVE image
  const x = FXSAVE_OFFSET;
  v.setUint16(x + 0, f.fcw, true);
  v.setUint16(x + 2, f.fsw, true);
  v.setUint8(x + 4, abridgedTag(f.ftw));
  v.setUint16(x + 6, f.fop & 0x7ff, true);
  v.setUint32(x + 8, f.fip >>> 0, true);
  v.setUint16(x + 12, f.fcs, true);
  v.setUint32(x + 16, f.foo >>> 0, true);
  v.setUint16(x + 20, f.fos, true);
  v.setUint32(x + 24, f.mxcsr >>> 0, true);
  v.setUint32(x + 28, MXCSR_MASK, true);
  for (let i = 0; i < 8; i++) out.set(f.st[i].subarray(0, 10), x + 32 + 16 * i);
  for (let i = 0; i < 8; i++) out.set(f.xmm[i].subarray(0, 16), x + 160 + 16 * i);
  return out;
}

/**
 * Decode struct _fpstate_32 the way the kernel restores it: the x87 part
 * from the legacy header (a handler may have edited it there), MXCSR and the
 * XMM registers from the FXSAVE image.
 */
export function decodeFpstate(bytes: Uint8Array): FpuState {
  const v = new DataView(bytes.buffer, bytes.byteOffset, FPSTATE_SIZE);
  const x = FXSAVE_OFFSET;
  const cssel = v.getUint32(16, true);
  return {
    fcw: v.getUint32(0, true) & 0xffff,
    fsw: v.getUint32(4, true) & 0xffff,
    ftw: v.getUint32(8, true) & 0xffff,
    fip: v.getUint32(12, true),
    fcs: cssel & 0xffff,
    fop: (cssel >>> 16) & 0x7ff,
    foo: v.getUint32(20, true),
    fos: v.getUint32(24, true) & 0xffff,
    mxcsr: v.getUint32(x + 24, true) & MXCSR_MASK,
    st: Array.from({ length: 8 }, (_, i) => bytes.slice(28 + 10 * i, 38 + 10 * i)),
    xmm: Array.from({ length: 8 }, (_, i) => bytes.slice(x + 160 + 16 * i, x + 176 + 16 * i)),
  };
}
