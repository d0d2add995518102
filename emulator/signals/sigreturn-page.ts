// The code a signal handler returns into when it was installed without
// SA_RESTORER: the kernel points such handlers at __kernel_sigreturn and
// __kernel_rt_sigreturn in the process's vDSO. The stack is not executable
// (no-execute pages), so the retcode the frame still carries, kept for
// debuggers that recognise it, cannot serve. The page is mapped read+exec
// as "[vdso]", like the kernel's, next to the interpreter.
import { AddressSpace, PAGE_SIZE, PROT_EXEC, PROT_READ } from '../memory/address-space.js';
import { RT_SIGRETURN_CODE, SIGRETURN_CODE } from '../abi/signal-frame.js';

export interface SigreturnStubs {
  /** popl %eax; movl $__NR_sigreturn, %eax; int $0x80 */
  sigreturn: number;
  /** movl $__NR_rt_sigreturn, %eax; int $0x80 */
  rtSigreturn: number;
}

const RT_OFFSET = 32;

/** Map the page at `at` (page-aligned, free) and say where each stub is. */
export function mapSigreturnPage(space: AddressSpace, at: number): SigreturnStubs {
  space.map(at, PAGE_SIZE, PROT_READ | PROT_EXEC, 'anon', '[vdso]', {
    fill: (bytes) => {
      bytes.set(SIGRETURN_CODE, 0);
      bytes.set(RT_SIGRETURN_CODE, RT_OFFSET);
    },
  });
  return { sigreturn: at, rtSigreturn: at + RT_OFFSET };
}
