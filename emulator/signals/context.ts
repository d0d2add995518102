// A thread's user-visible CPU state as plain data: what a signal frame saves
// and sigreturn restores. Read from and written to the engine in one place.
import type { Cpu } from '../engine/cpu.js';
import { Reg } from '../engine/unicorn-consts.js';
import type { FpuState } from '../abi/signal-frame.js';
import { dropX87Flags, settleX87Flags } from '../engine/x87-status.js';

/** x87 register ids of Unicorn 2.0.1 (enum uc_x86_reg) that unicorn-consts.ts does not name. */
const FPU_REG = { FIP: 254, FCS: 255, FDP: 256, FDS: 257, FOP: 258 } as const;

export interface CpuContext {
  eax: number; ebx: number; ecx: number; edx: number;
  esi: number; edi: number; ebp: number; esp: number;
  eip: number; eflags: number;
  cs: number; ss: number; ds: number; es: number; fs: number; gs: number;
  fpu: FpuState;
}

const GPRS = ['eax', 'ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp', 'esp', 'eflags'] as const;
const GPR_IDS = [Reg.EAX, Reg.EBX, Reg.ECX, Reg.EDX, Reg.ESI, Reg.EDI, Reg.EBP, Reg.ESP, Reg.EFLAGS];
// SS before the others, as when the machine was set up (see descriptors.ts)
const SEGMENTS = ['ss', 'cs', 'ds', 'es', 'fs', 'gs'] as const;
const SEGMENT_IDS = [Reg.SS, Reg.CS, Reg.DS, Reg.ES, Reg.FS, Reg.GS];

const u16 = (b: Uint8Array): number => b[0] | (b[1] << 8);
const u32 = (b: Uint8Array): number => (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
const le = (value: number, size: number): Uint8Array => {
  const out = new Uint8Array(size);
  for (let i = 0; i < Math.min(size, 4); i++) out[i] = (value >>> (8 * i)) & 0xff;
  return out;
};

function readFpu(cpu: Cpu): FpuState {
  settleX87Flags(cpu);
  return {
    fcw: u16(cpu.readRegBytes(Reg.FPCW, 2)),
    fsw: u16(cpu.readRegBytes(Reg.FPSW, 2)),
    ftw: u16(cpu.readRegBytes(Reg.FPTAG, 2)),
    fop: u16(cpu.readRegBytes(FPU_REG.FOP, 2)) & 0x7ff,
    fip: u32(cpu.readRegBytes(FPU_REG.FIP, 8)),
    fcs: u16(cpu.readRegBytes(FPU_REG.FCS, 2)),
    foo: u32(cpu.readRegBytes(FPU_REG.FDP, 8)),
    fos: u16(cpu.readRegBytes(FPU_REG.FDS, 2)),
    mxcsr: u32(cpu.readRegBytes(Reg.MXCSR, 4)),
    st: Array.from({ length: 8 }, (_, i) => cpu.readRegBytes(Reg.ST0 + i, 10)),
    xmm: Array.from({ length: 8 }, (_, i) => cpu.readRegBytes(Reg.XMM0 + i, 16)),
  };
}

function writeFpu(cpu: Cpu, f: FpuState): void {
  // the status word carries TOP, which decides where ST(i) lands
  dropX87Flags(cpu);
  cpu.writeRegBytes(Reg.FPSW, le(f.fsw, 2));
  for (let i = 0; i < 8; i++) cpu.writeRegBytes(Reg.ST0 + i, f.st[i]);
  cpu.writeRegBytes(Reg.FPTAG, le(f.ftw, 2));
  cpu.writeRegBytes(Reg.FPCW, le(f.fcw, 2));
  cpu.writeRegBytes(FPU_REG.FOP, le(f.fop, 2));
  cpu.writeRegBytes(FPU_REG.FIP, le(f.fip, 8));
  cpu.writeRegBytes(FPU_REG.FCS, le(f.fcs, 2));
  cpu.writeRegBytes(FPU_REG.FDP, le(f.foo, 8));
  cpu.writeRegBytes(FPU_REG.FDS, le(f.fos, 2));
  cpu.writeRegBytes(Reg.MXCSR, le(f.mxcsr, 4));
  for (let i = 0; i < 8; i++) cpu.writeRegBytes(Reg.XMM0 + i, f.xmm[i]);
}

/** The current state; `eip` comes from the runner, which owns the resume address. */
export function captureContext(cpu: Cpu, eip: number): CpuContext {
  const c = { eip, fpu: readFpu(cpu) } as CpuContext;
  GPRS.forEach((name, i) => (c[name] = cpu.reg(GPR_IDS[i])));
  // selectors are 16 bits; the engine leaves the upper half of the value undefined
  SEGMENTS.forEach((name, i) => (c[name] = cpu.reg(SEGMENT_IDS[i]) & 0xffff));
  return c;
}

/** Load `c` into the engine. Segment registers are reloaded only when they change. */
export function applyContext(cpu: Cpu, c: CpuContext, withFpu = true): void {
  SEGMENTS.forEach((name, i) => {
    if ((cpu.reg(SEGMENT_IDS[i]) & 0xffff) !== c[name]) cpu.setReg(SEGMENT_IDS[i], c[name]);
  });
  GPRS.forEach((name, i) => cpu.setReg(GPR_IDS[i], c[name]));
  cpu.setReg(Reg.EIP, c.eip);
  if (withFpu) writeFpu(cpu, c.fpu);
}
