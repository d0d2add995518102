// Signals sent to the dsu process itself (Ctrl-C, kill) are the guest's:
// they are forwarded to it, so its handlers run and, without one, the
// default action ends it with the right status. Attached for the life of a
// session; which guest processes a signal goes to is the session's choice
// (the terminal's foreground group for the keyboard's signals, else the
// first process while it lives, else every process left).
import { postSignal } from './post.js';
import type { Process } from '../process.js';
import { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SI_USER } from '../abi/signal.js';
import { recordSenders, takeSender } from '../host/signal-sender.js';

const FORWARDED: [NodeJS.Signals, number][] = [
  ['SIGHUP', SIGHUP], ['SIGINT', SIGINT], ['SIGQUIT', SIGQUIT],
  ['SIGTERM', SIGTERM], ['SIGUSR1', SIGUSR1], ['SIGUSR2', SIGUSR2],
  // terminal programs redraw on a resize
  ['SIGWINCH', SIGWINCH],
];

/** Start forwarding to the processes `targets` names for each signal; returns the function that undoes it. */
export function attachHostSignals(targets: (signo: number) => Process[]): () => void {
  const listeners = FORWARDED.map(([name, signo]) => {
    // the guest sees the sender as the host's siginfo named it (si_pid, si_uid, si_code, si_int)
    const listener = (): void => {
      const s = takeSender(signo);
      for (const proc of targets(signo)) postSignal(proc, { signo, code: s?.code ?? SI_USER, pid: s?.pid ?? 0, uid: s?.uid ?? 0, value: s?.value });
    };
    process.on(name, listener);
    // once libuv's handler is in place, put the recorder in front of it
    recordSenders(signo);
    return [name, listener] as const;
  });
  // Signal listeners do not keep Node's event loop alive; a guest waiting for
  // nothing but a signal (or deadlocked, like it would be natively) must
  // still be there when one comes. An idle timer does it without waking.
  const keepAlive = setInterval(() => {}, 0x7fffffff);
  return () => {
    clearInterval(keepAlive);
    for (const [name, listener] of listeners) process.off(name, listener);
  };
}
