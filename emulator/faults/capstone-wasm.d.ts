// capstone-wasm ships typings, but its package.json "exports" hides them from
// NodeNext resolution; this declares the part dsu uses.
declare module 'capstone-wasm' {
  export interface Insn {
    id: number;
    address: number | bigint;
    size: number;
    bytes: Uint8Array;
    mnemonic: string;
    opStr: string;
  }
  export class Capstone {
    constructor(arch: number, mode: number);
    setOption(opt: number, value: number): number;
    disasm(data: number[] | Uint8Array, options?: { address?: number | bigint; count?: number }): Insn[];
    close(): void;
  }
  export const Const: {
    readonly CS_ARCH_X86: number;
    readonly CS_MODE_32: number;
    readonly CS_OPT_SYNTAX: number;
    readonly CS_OPT_SYNTAX_INTEL: number;
  };
  export function loadCapstone(args?: Record<string, unknown>): Promise<void>;
}
