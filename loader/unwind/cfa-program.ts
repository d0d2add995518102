// Running a CIE's and FDE's call frame instructions up to a code address, to
// get the unwind row that holds there: how to compute the CFA and where each
// register of the caller was saved (DWARF 5, section 6.4.2).
import { DwarfCursor } from './dwarf-cursor.js';
import { Cie, Fde } from './eh-frame.js';

export type RegisterRule =
  | { kind: 'undefined' }
  | { kind: 'same' }
  /** Saved at CFA + offset. */
  | { kind: 'offset'; offset: number }
  /** The value is CFA + offset. */
  | { kind: 'valOffset'; offset: number }
  | { kind: 'register'; register: number }
  /** Saved at the address the expression computes (the CFA pushed first). */
  | { kind: 'expression'; expression: Uint8Array }
  /** The value is what the expression computes (the CFA pushed first). */
  | { kind: 'valExpression'; expression: Uint8Array };

export type CfaRule =
  | { kind: 'register'; register: number; offset: number }
  | { kind: 'expression'; expression: Uint8Array };

export interface UnwindRow {
  cfa: CfaRule;
  /** Rules for registers the code changed; others keep their value. */
  rules: Map<number, RegisterRule>;
  /** DW_CFA_GNU_args_size: bytes of outgoing arguments pushed at this point. */
  argsSize: number;
}

interface State {
  cfa: CfaRule;
  rules: Map<number, RegisterRule>;
}

const copy = (s: State): State => ({ cfa: s.cfa, rules: new Map(s.rules) });

// DW_CFA_* opcodes
const ADVANCE_LOC = 0x40;
const OFFSET = 0x80;
const RESTORE = 0xc0;

class Interpreter {
  loc: number;
  state: State;
  initial: State | null = null;
  argsSize = 0;
  private readonly saved: State[] = [];

  constructor(private readonly cie: Cie, start: number, private readonly file: string) {
    this.loc = start;
    this.state = { cfa: { kind: 'register', register: 4, offset: 0 }, rules: new Map() };
  }

  /** Run `code` until the location would pass `target`; returns false when it stopped early. */
  run(code: Uint8Array, address: number, target: number, fdeEncoding: number): boolean {
    const c = new DwarfCursor(code, address, this.file, 'call frame instructions');
    const cie = this.cie;
    const advance = (delta: number): boolean => {
      const next = this.loc + delta * cie.codeAlign;
      if (next > target) return false;
      this.loc = next;
      return true;
    };
    const s = (): State => this.state;
    while (!c.atEnd) {
      const op = c.u8();
      const high = op & 0xc0;
      const low = op & 0x3f;
      if (high === ADVANCE_LOC) {
        if (!advance(low)) return false;
        continue;
      }
      if (high === OFFSET) {
        s().rules.set(low, { kind: 'offset', offset: c.uleb() * cie.dataAlign });
        continue;
      }
      if (high === RESTORE) {
        this.restore(low);
        continue;
      }
      switch (op) {
        case 0x00: break; // nop
        case 0x01: { // set_loc
          const next = c.pointer(fdeEncoding);
          if (next > target) return false;
          this.loc = next;
          break;
        }
        case 0x02: if (!advance(c.u8())) return false; break;
        case 0x03: if (!advance(c.u16())) return false; break;
        case 0x04: if (!advance(c.u32())) return false; break;
        case 0x05: s().rules.set(c.uleb(), { kind: 'offset', offset: c.uleb() * cie.dataAlign }); break;
        case 0x06: this.restore(c.uleb()); break;
        case 0x07: s().rules.set(c.uleb(), { kind: 'undefined' }); break;
        case 0x08: s().rules.set(c.uleb(), { kind: 'same' }); break;
        case 0x09: s().rules.set(c.uleb(), { kind: 'register', register: c.uleb() }); break;
        case 0x0a: this.saved.push(copy(s())); break; // remember_state
        case 0x0b: { // restore_state: the CFA rule is restored too
          const back = this.saved.pop();
          this.state = back ?? c.fail('DW_CFA_restore_state without remember_state');
          break;
        }
        case 0x0c: s().cfa = { kind: 'register', register: c.uleb(), offset: c.uleb() }; break;
        case 0x0d: s().cfa = { kind: 'register', register: c.uleb(), offset: this.cfaOffset() }; break;
        case 0x0e: s().cfa = { kind: 'register', register: this.cfaRegister(c), offset: c.uleb() }; break;
        case 0x0f: s().cfa = { kind: 'expression', expression: c.block(c.uleb()) }; break;
        case 0x10: s().rules.set(c.uleb(), { kind: 'expression', expression: c.block(c.uleb()) }); break;
        case 0x11: s().rules.set(c.uleb(), { kind: 'offset', offset: c.sleb() * cie.dataAlign }); break;
        case 0x12: s().cfa = { kind: 'register', register: c.uleb(), offset: c.sleb() * cie.dataAlign }; break;
        case 0x13: s().cfa = { kind: 'register', register: this.cfaRegister(c), offset: c.sleb() * cie.dataAlign }; break;
        case 0x14: s().rules.set(c.uleb(), { kind: 'valOffset', offset: c.uleb() * cie.dataAlign }); break;
        case 0x15: s().rules.set(c.uleb(), { kind: 'valOffset', offset: c.sleb() * cie.dataAlign }); break;
        case 0x16: s().rules.set(c.uleb(), { kind: 'valExpression', expression: c.block(c.uleb()) }); break;
        case 0x2e: this.argsSize = c.uleb(); break; // GNU_args_size
        case 0x2f: s().rules.set(c.uleb(), { kind: 'offset', offset: -c.uleb() * cie.dataAlign }); break; // GNU_negative_offset_extended
        default: c.fail(`unknown call frame instruction 0x${op.toString(16)}`);
      }
    }
    return true;
  }

  private cfaOffset(): number {
    return this.state.cfa.kind === 'register' ? this.state.cfa.offset : 0;
  }

  private cfaRegister(c: DwarfCursor): number {
    if (this.state.cfa.kind !== 'register') c.fail('CFA offset changed while the CFA is an expression');
    return this.state.cfa.register;
  }

  private restore(register: number): void {
    const rule = this.initial?.rules.get(register);
    if (rule) this.state.rules.set(register, rule);
    else this.state.rules.delete(register);
  }
}

/** The unwind row that holds at link-time address `pc` inside `fde`. */
export function unwindRowAt(fde: Fde, pc: number, file: string): UnwindRow {
  const cie = fde.cie;
  const it = new Interpreter(cie, fde.start, file);
  it.run(cie.initialInstructions, cie.initialInstructionsAt, Infinity, cie.fdeEncoding);
  it.initial = copy(it.state);
  it.loc = fde.start;
  it.run(fde.instructions, fde.instructionsAt, pc, cie.fdeEncoding);
  return { cfa: it.state.cfa, rules: it.state.rules, argsSize: it.argsSize };
}
