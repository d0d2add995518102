// The DWARF expression stack machine, as far as call frame information uses
// it (DW_CFA_def_cfa_expression, DW_CFA_expression, DW_CFA_val_expression):
// gcc's i386 PLT entries compute their CFA this way. Arithmetic wraps at 32
// bits, the address size.
import { DwarfCursor } from './dwarf-cursor.js';

export interface ExpressionMachine {
  /** Value of DWARF register n in the frame being unwound, or null if unknown. */
  register(n: number): number | null;
  /** A 32-bit little-endian read of the target's memory, or null if unreadable. */
  readU32(address: number): number | null;
}

const u32 = (v: number): number => v >>> 0;
const s32 = (v: number): number => v | 0;

const MAX_STEPS = 10_000;

/** Evaluate; null when it needs an unknown register or unreadable memory. */
export function evaluateExpression(expression: Uint8Array, m: ExpressionMachine, initial: number[] = [], file = 'expression'): number | null {
  const c = new DwarfCursor(expression, 0, file, 'DWARF expression');
  const stack = initial.map(u32);
  const pop = (): number => {
    if (stack.length === 0) c.fail('stack underflow');
    return stack.pop()!;
  };
  const push = (v: number): void => {
    stack.push(u32(v));
  };
  const binary = (f: (a: number, b: number) => number): void => {
    const b = pop();
    const a = pop();
    push(f(a, b));
  };
  for (let steps = 0; !c.atEnd; steps++) {
    if (steps > MAX_STEPS) c.fail('expression does not terminate');
    const op = c.u8();
    if (op >= 0x30 && op <= 0x4f) { push(op - 0x30); continue; } // lit0..31
    if (op >= 0x70 && op <= 0x8f) { // breg0..31
      const v = m.register(op - 0x70);
      const offset = c.sleb();
      if (v === null) return null;
      push(v + offset);
      continue;
    }
    switch (op) {
      case 0x03: push(c.u32()); break; // addr
      case 0x06: { // deref
        const v = m.readU32(pop());
        if (v === null) return null;
        push(v);
        break;
      }
      case 0x08: push(c.u8()); break;
      case 0x09: push(c.i8()); break;
      case 0x0a: push(c.u16()); break;
      case 0x0b: push(c.i16()); break;
      case 0x0c: push(c.u32()); break;
      case 0x0d: push(c.i32()); break;
      case 0x0e: case 0x0f: push(c.u64()); break;
      case 0x10: push(c.uleb()); break;
      case 0x11: push(c.sleb()); break;
      case 0x12: { const v = pop(); push(v); push(v); break; } // dup
      case 0x13: pop(); break; // drop
      case 0x14: { // over
        if (stack.length < 2) c.fail('stack underflow');
        push(stack[stack.length - 2]);
        break;
      }
      case 0x15: { // pick
        const i = c.u8();
        if (i >= stack.length) c.fail('pick beyond the stack');
        push(stack[stack.length - 1 - i]);
        break;
      }
      case 0x16: { const b = pop(); const a = pop(); push(b); push(a); break; } // swap
      case 0x17: { const a = pop(); const b = pop(); const d = pop(); push(a); push(d); push(b); break; } // rot
      case 0x19: push(Math.abs(s32(pop()))); break;
      case 0x1a: binary((a, b) => a & b); break;
      case 0x1b: binary((a, b) => {
        if (b === 0) c.fail('division by zero');
        return Math.trunc(s32(a) / s32(b));
      }); break;
      case 0x1c: binary((a, b) => a - b); break;
      case 0x1d: binary((a, b) => {
        if (b === 0) c.fail('modulo by zero');
        return a % b;
      }); break;
      case 0x1e: binary((a, b) => Math.imul(a, b)); break;
      case 0x1f: push(-s32(pop())); break;
      case 0x20: push(~pop()); break;
      case 0x21: binary((a, b) => a | b); break;
      case 0x22: binary((a, b) => a + b); break;
      case 0x23: push(pop() + c.uleb()); break; // plus_uconst
      case 0x24: binary((a, b) => (b >= 32 ? 0 : a << b)); break;
      case 0x25: binary((a, b) => (b >= 32 ? 0 : a >>> b)); break;
      case 0x26: binary((a, b) => s32(a) >> Math.min(b, 31)); break;
      case 0x27: binary((a, b) => a ^ b); break;
      case 0x28: { // bra
        const delta = c.i16();
        if (pop() !== 0) c.pos += delta;
        break;
      }
      case 0x29: binary((a, b) => Number(s32(a) === s32(b))); break;
      case 0x2a: binary((a, b) => Number(s32(a) >= s32(b))); break;
      case 0x2b: binary((a, b) => Number(s32(a) > s32(b))); break;
      case 0x2c: binary((a, b) => Number(s32(a) <= s32(b))); break;
      case 0x2d: binary((a, b) => Number(s32(a) < s32(b))); break;
      case 0x2e: binary((a, b) => Number(s32(a) !== s32(b))); break;
      case 0x2f: c.pos += c.i16(); break; // skip
      case 0x92: { // bregx
        const v = m.register(c.uleb());
        const offset = c.sleb();
        if (v === null) return null;
        push(v + offset);
        break;
      }
      case 0x94: { // deref_size
        const size = c.u8();
        const address = pop();
        const v = m.readU32(address);
        if (v === null) return null;
        push(size >= 4 ? v : v & (2 ** (size * 8) - 1));
        break;
      }
      case 0x96: break; // nop
      default: c.fail(`unsupported operation 0x${op.toString(16)}`);
    }
    if (c.pos < 0 || c.pos > expression.length) c.fail('branch outside the expression');
  }
  return stack.length > 0 ? stack[stack.length - 1] : null;
}
