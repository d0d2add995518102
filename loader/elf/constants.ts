// ELF constants used by the loader (System V gABI and the i386 psABI).
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_REL = 1;
export const EM_386 = 3;

export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_NOTE = 4;
export const PT_PHDR = 6;
export const PT_TLS = 7;
export const PT_GNU_EH_FRAME = 0x6474e550;
export const PT_GNU_STACK = 0x6474e551;
export const PT_GNU_RELRO = 0x6474e552;

export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_RELA = 4;
export const SHT_DYNAMIC = 6;
export const SHT_NOTE = 7;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHT_DYNSYM = 11;

export const SHN_UNDEF = 0;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;

export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;
export const STB_GNU_UNIQUE = 10;

export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;
export const STT_TLS = 6;
export const STT_GNU_IFUNC = 10;

export const DT_NULL = 0;
export const DT_NEEDED = 1;
export const DT_PLTRELSZ = 2;
export const DT_PLTGOT = 3;
export const DT_HASH = 4;
export const DT_STRTAB = 5;
export const DT_SYMTAB = 6;
export const DT_RELA = 7;
export const DT_STRSZ = 10;
export const DT_SYMENT = 11;
export const DT_INIT = 12;
export const DT_FINI = 13;
export const DT_SONAME = 14;
export const DT_REL = 17;
export const DT_RELSZ = 18;
export const DT_RELENT = 19;
export const DT_PLTREL = 20;
export const DT_DEBUG = 21;
export const DT_TEXTREL = 22;
export const DT_JMPREL = 23;
export const DT_BIND_NOW = 24;
export const DT_INIT_ARRAY = 25;
export const DT_FINI_ARRAY = 26;
export const DT_INIT_ARRAYSZ = 27;
export const DT_FINI_ARRAYSZ = 28;
export const DT_FLAGS = 30;
export const DT_GNU_HASH = 0x6ffffef5;
export const DT_RELCOUNT = 0x6ffffffa;
export const DT_FLAGS_1 = 0x6ffffffb;
export const DT_VERSYM = 0x6ffffff0;

export const DF_TEXTREL = 0x4;
export const DF_BIND_NOW = 0x8;
export const DF_1_NOW = 0x1;
export const DF_1_PIE = 0x08000000;

export const R_386_NONE = 0;
export const R_386_32 = 1;
export const R_386_PC32 = 2;
export const R_386_GOT32 = 3;
export const R_386_PLT32 = 4;
export const R_386_COPY = 5;
export const R_386_GLOB_DAT = 6;
export const R_386_JUMP_SLOT = 7;
export const R_386_RELATIVE = 8;
export const R_386_GOTOFF = 9;
export const R_386_GOTPC = 10;
export const R_386_GOT32X = 43;
export const R_386_IRELATIVE = 42;

/** Names of i386 relocation types, for messages and tables. */
export const RELOC_NAMES: Record<number, string> = {
  0: 'R_386_NONE', 1: 'R_386_32', 2: 'R_386_PC32', 3: 'R_386_GOT32', 4: 'R_386_PLT32', 5: 'R_386_COPY',
  6: 'R_386_GLOB_DAT', 7: 'R_386_JUMP_SLOT', 8: 'R_386_RELATIVE', 9: 'R_386_GOTOFF', 10: 'R_386_GOTPC',
  11: 'R_386_32PLT', 14: 'R_386_TLS_TPOFF', 15: 'R_386_TLS_IE', 16: 'R_386_TLS_GOTIE', 17: 'R_386_TLS_LE',
  18: 'R_386_TLS_GD', 19: 'R_386_TLS_LDM', 20: 'R_386_16', 21: 'R_386_PC16', 22: 'R_386_8', 23: 'R_386_PC8',
  32: 'R_386_TLS_LDO_32', 35: 'R_386_TLS_DTPMOD32', 36: 'R_386_TLS_DTPOFF32', 37: 'R_386_TLS_TPOFF32',
  38: 'R_386_SIZE32', 39: 'R_386_TLS_GOTDESC', 40: 'R_386_TLS_DESC_CALL', 41: 'R_386_TLS_DESC',
  42: 'R_386_IRELATIVE', 43: 'R_386_GOT32X',
};

export const NT_GNU_BUILD_ID = 3;
