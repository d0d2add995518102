// Constants of the Unicorn 2 C API (unicorn/unicorn.h, unicorn/x86.h), x86 subset.

export const UC_ARCH_X86 = 4;
export const UC_MODE_32 = 1 << 2;

export enum UcErr {
  OK = 0,
  NOMEM = 1,
  ARCH = 2,
  HANDLE = 3,
  MODE = 4,
  VERSION = 5,
  READ_UNMAPPED = 6,
  WRITE_UNMAPPED = 7,
  FETCH_UNMAPPED = 8,
  HOOK = 9,
  INSN_INVALID = 10,
  MAP = 11,
  WRITE_PROT = 12,
  READ_PROT = 13,
  FETCH_PROT = 14,
  ARG = 15,
  READ_UNALIGNED = 16,
  WRITE_UNALIGNED = 17,
  FETCH_UNALIGNED = 18,
  HOOK_EXIST = 19,
  RESOURCE = 20,
  EXCEPTION = 21,
}

export const UC_ERR_NAMES: Record<number, string> = {
  0: 'OK', 1: 'NOMEM', 2: 'ARCH', 3: 'HANDLE', 4: 'MODE', 5: 'VERSION',
  6: 'READ_UNMAPPED', 7: 'WRITE_UNMAPPED', 8: 'FETCH_UNMAPPED', 9: 'HOOK',
  10: 'INSN_INVALID', 11: 'MAP', 12: 'WRITE_PROT', 13: 'READ_PROT', 14: 'FETCH_PROT',
  15: 'ARG', 16: 'READ_UNALIGNED', 17: 'WRITE_UNALIGNED', 18: 'FETCH_UNALIGNED',
  19: 'HOOK_EXIST', 20: 'RESOURCE', 21: 'EXCEPTION',
};

export const UC_PROT_NONE = 0;
export const UC_PROT_READ = 1;
export const UC_PROT_WRITE = 2;
export const UC_PROT_EXEC = 4;
export const UC_PROT_ALL = 7;

export const UC_HOOK_INTR = 1 << 0;
export const UC_HOOK_INSN = 1 << 1;
export const UC_HOOK_CODE = 1 << 2;
export const UC_HOOK_BLOCK = 1 << 3;
export const UC_HOOK_MEM_READ_UNMAPPED = 1 << 4;
export const UC_HOOK_MEM_WRITE_UNMAPPED = 1 << 5;
export const UC_HOOK_MEM_FETCH_UNMAPPED = 1 << 6;
export const UC_HOOK_MEM_READ_PROT = 1 << 7;
export const UC_HOOK_MEM_WRITE_PROT = 1 << 8;
export const UC_HOOK_MEM_FETCH_PROT = 1 << 9;
export const UC_HOOK_INSN_INVALID = 1 << 14;
export const UC_HOOK_MEM_INVALID = (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 9);

/** uc_mem_type values passed to memory hooks. */
export enum UcMemType {
  READ = 16,
  WRITE = 17,
  FETCH = 18,
  READ_UNMAPPED = 19,
  WRITE_UNMAPPED = 20,
  FETCH_UNMAPPED = 21,
  WRITE_PROT = 22,
  READ_PROT = 23,
  FETCH_PROT = 24,
  READ_AFTER = 25,
}

// uc_ctl control words: UC_CTL_WRITE(nr, args) = (args << 26) | (IO_WRITE << 30) | nr
export const UC_CTL_WRITE_USE_EXITS = 0x44000004;
export const UC_CTL_WRITE_EXITS = 0x48000006;
export const UC_CTL_WRITE_TB_REMOVE_CACHE = 0x48000009;
export const UC_CTL_WRITE_TB_FLUSH = 0x4000000a;

/** x86 register ids (enum uc_x86_reg of Unicorn 2.0.1). */
export const Reg = {
  EAX: 19, EBX: 21, ECX: 22, EDX: 24, ESI: 29, EDI: 23, EBP: 20, ESP: 30,
  EIP: 26, EFLAGS: 25,
  CS: 11, DS: 17, ES: 28, FS: 32, GS: 33, SS: 49,
  IDTR: 242, GDTR: 243, LDTR: 244, TR: 245, FPCW: 246, MSR: 248, MXCSR: 249,
  CR0: 50, CR2: 52, CR3: 53, CR4: 54,
  ST0: 114, XMM0: 122, FPSW: 31, FPTAG: 247,
} as const;
export type RegId = (typeof Reg)[keyof typeof Reg];
