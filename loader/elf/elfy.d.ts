declare module 'elfy' {
  export const constants: {
    machine: Record<number, string>;
    type: Record<number, string>;
    class: Record<number, string>;
  };
  export class Parser {
    parseHeader(buf: Buffer): ElfyHeader;
    parsePrograms(buf: Buffer, header: ElfyHeader): ElfyProgram[];
    parseSections(buf: Buffer, header: ElfyHeader): ElfySection[];
  }
  export interface ElfyHeader {
    class: string; endian: string; type: string | undefined; machine: string | undefined;
    entry: number; phoff: number; shoff: number; flags: number; ehsize: number;
    phentsize: number; phnum: number; shentsize: number; shnum: number; shstrndx: number;
  }
  export interface ElfyProgram {
    type: string | undefined; offset: number; vaddr: number; paddr: number; filesz: number;
    memsz: number; flags: Record<string, boolean>; align: number;
  }
  export interface ElfySection {
    name: number; type: string | number; flags: Record<string, boolean>; addr: number; off: number;
    size: number; link: number; info: number; addralign: number; entsize: number;
  }
  const elfy: { constants: typeof constants; Parser: typeof Parser; parse(buf: Buffer): unknown };
  export default elfy;
}
