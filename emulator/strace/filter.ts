// --strace-filter: strace's -e qualifiers, one per option given.
//  trace=SET   which calls: names, classes (%file, %net...), regular
//              expressions (/regex), names that may be unknown (?name),
//              `all` and `none`;
//  status=SET  which calls by how they ended: successful, failed,
//              unfinished, unavailable, detached (strace -z is
//              status=successful, -Z status=failed);
//  signal=SET  which delivered signals get their "--- SIG... ---" line:
//              names with or without SIG, numbers, `all`, `none`.
// A leading `!` takes everything but the set. A bare SET is trace=SET.
import { CLASSES } from './classes.js';
import { signalArg } from './xlat.js';

export class FilterError extends Error {}

/** How a call ended, as strace's status= qualifier names it. */
export type CallStatus = 'successful' | 'failed' | 'unfinished' | 'unavailable' | 'detached';

export interface SyscallFilter {
  traces(name: string): boolean;
  /** A call that ended so is shown (always true without status=). */
  shows(status: CallStatus): boolean;
  /** Only complete lines can be judged by status: no call is cut in two. */
  readonly byStatus: boolean;
  /** A delivered signal gets its line. */
  showsSignal(signo: number): boolean;
}

const CLASS_ALIASES: Record<string, string> = { network: 'net' };
const STATUSES: readonly CallStatus[] = ['successful', 'failed', 'unfinished', 'unavailable', 'detached'];

interface Qualifier {
  negate: boolean;
  tokens: string[];
}

function qualifier(spec: string, body: string): Qualifier {
  let negate = false;
  while (body.startsWith('!')) {
    negate = !negate;
    body = body.slice(1);
  }
  if (body.length === 0) throw new FilterError(`--strace-filter ${spec}: empty set`);
  return { negate, tokens: body.split(',').map((t) => t.trim()) };
}

function callSet(q: Qualifier, known: (name: string) => boolean): (name: string) => boolean {
  const names = new Set<string>();
  const patterns: RegExp[] = [];
  let all = false;
  for (let token of q.tokens) {
    const optional = token.startsWith('?');
    if (optional) token = token.slice(1);
    if (token === 'all') all = true;
    else if (token === 'none') continue;
    else if (token.startsWith('%')) {
      const cls = token.replace(/^%/, '');
      const members = CLASSES[CLASS_ALIASES[cls] ?? cls];
      if (!members) {
        if (optional) continue;
        throw new FilterError(`--strace-filter: invalid system call class '${token}'`);
      }
      for (const m of members) names.add(m);
    } else if (token.startsWith('/')) {
      try {
        patterns.push(new RegExp(token.slice(1)));
      } catch (e) {
        throw new FilterError(`--strace-filter: ${token}: ${(e as Error).message}`);
      }
    } else if (known(token)) names.add(token);
    else if (!optional) throw new FilterError(`--strace-filter: invalid system call '${token}'`);
  }
  return (name) => (all || names.has(name) || patterns.some((p) => p.test(name))) !== q.negate;
}

function statusSet(q: Qualifier): (status: CallStatus) => boolean {
  const set = new Set<string>();
  for (const token of q.tokens) {
    if (token === 'all') STATUSES.forEach((s) => set.add(s));
    else if (token === 'none') continue;
    else if ((STATUSES as readonly string[]).includes(token)) set.add(token);
    else throw new FilterError(`--strace-filter: invalid status '${token}' (one of ${STATUSES.join(', ')})`);
  }
  return (status) => set.has(status) !== q.negate;
}

function signalSet(q: Qualifier): (signo: number) => boolean {
  const set = new Set<number>();
  const byName = new Map<string, number>();
  for (let n = 1; n <= 64; n++) byName.set(signalArg(n), n);
  for (const token of q.tokens) {
    if (token === 'all') for (let n = 1; n <= 64; n++) set.add(n);
    else if (token === 'none') continue;
    else if (/^\d+$/.test(token) && Number(token) >= 1 && Number(token) <= 64) set.add(Number(token));
    else {
      const n = byName.get(token.toUpperCase()) ?? byName.get('SIG' + token.toUpperCase());
      if (n === undefined) throw new FilterError(`--strace-filter: invalid signal '${token}'`);
      set.add(n);
    }
  }
  return (signo) => set.has(signo) !== q.negate;
}

/**
 * Parse the --strace-filter options ("trace=open,%net", "status=failed",
 * "signal=!SIGALRM"); `known` tells which names are syscalls (an unknown
 * one is an error, as in strace).
 */
export function parseFilter(specs: readonly string[], known: (name: string) => boolean): SyscallFilter {
  let traces: (name: string) => boolean = () => true;
  let shows: ((status: CallStatus) => boolean) | null = null;
  let showsSignal: (signo: number) => boolean = () => true;
  for (const spec of specs) {
    const text = spec.trim();
    const eq = text.indexOf('=');
    const name = eq >= 0 ? text.slice(0, eq) : 'trace';
    const body = eq >= 0 ? text.slice(eq + 1) : text;
    switch (name) {
      case 'trace': case 't':
        traces = callSet(qualifier(spec, body), known);
        break;
      case 'status':
        shows = statusSet(qualifier(spec, body));
        break;
      case 'signal': case 'signals': case 's':
        showsSignal = signalSet(qualifier(spec, body));
        break;
      default:
        throw new FilterError(`--strace-filter ${spec}: unknown qualifier '${name}' (trace=, status= or signal=)`);
    }
  }
  return { traces, shows: shows ?? (() => true), byStatus: shows !== null, showsSignal };
}
