// Port I/O (in, out, ins, outs) from user mode. Unicorn 2.0.1 removed the
// translator's I/O permission check (gen_check_io returns at once), so at
// CPL 3 these instructions ran, and read or wrote nothing. Linux gives a
// process no I/O permission (dsu grants no iopl/ioperm), so the CPU's check
// fails with #GP(0) at the instruction: each helper_in*/out* is replaced by
// a jump to code that raises exactly that, with the helper's return address
// into the translated block so the engine finds the faulting instruction.
import { absoluteJump, hexAt, isAbsoluteJump, placeCode, unicornSymbol, writeCode } from './native-code.js';

/** The helpers and their first bytes in the recognised build. */
const HELPERS: Array<[string, string]> = [
  ['helper_inb_x86_64', '4883ec08488bbf381b0000e8'],
  ['helper_inw_x86_64', '4883ec08488bbf381b0000e8'],
  ['helper_inl_x86_64', '4883ec08488bbf381b0000e8'],
  ['helper_outb_x86_64', '488bbf381b00000fb6d2e9'],
  ['helper_outw_x86_64', '488bbf381b00000fb7d2e9'],
  ['helper_outl_x86_64', '488bbf381b0000e9'],
];

/** raise_exception_err_ra(env, EXCP0D_GPF, 0, return address): movabs target in rax. */
function raiseGeneralProtection(raise: number): number[] {
  return [
    0x48, 0x8b, 0x0c, 0x24, //       mov (%rsp),%rcx        (where the block called the helper)
    0xbe, 0x0d, 0x00, 0x00, 0x00, // mov $13,%esi          (#GP)
    0x31, 0xd2, //                   xor %edx,%edx          (error code 0)
    ...absoluteJump(raise), //       jmp raise_exception_err_ra (never returns)
  ];
}

/** Make port I/O fault; returns whether it now does. */
export function forbidPortIo(notes: string[]): boolean {
  const raise = unicornSymbol('raise_exception_err_ra_x86_64');
  const targets = HELPERS.map(([name, bytes]) => ({ name, bytes, at: unicornSymbol(name) }));
  if (raise === null || hexAt(raise, 4) !== '4989c948' || targets.some((t) => t.at === null)) {
    notes.push('unrecognised Unicorn build: port I/O instructions do not fault');
    return false;
  }
  if (targets.every((t) => isAbsoluteJump(t.at!))) return true;
  if (!targets.every((t) => hexAt(t.at!, t.bytes.length / 2) === t.bytes)) {
    notes.push('unrecognised Unicorn build: port I/O instructions do not fault');
    return false;
  }
  const entry = placeCode([raiseGeneralProtection(raise)]);
  if (entry === null) {
    notes.push('cannot place code: port I/O instructions do not fault');
    return false;
  }
  for (const t of targets) {
    if (!writeCode(t.at!, absoluteJump(entry[0]))) {
      notes.push(`cannot write over ${t.name}: port I/O does not fault`);
      return false;
    }
  }
  return true;
}
