// --strace-filter: strace's "trace=" qualifier. A comma-separated set of
// syscall names, classes (%file, %net...), regular expressions (/regex),
// names that may be unknown (?name), `all` and `none`; a leading `!`
// traces everything but the set.
import { CLASSES } from './classes.js';

export class FilterError extends Error {}

export interface SyscallFilter {
  traces(name: string): boolean;
}

const CLASS_ALIASES: Record<string, string> = { network: 'net' };

/**
 * Parse `spec` ("trace=open,%net", "!%memory", "all"); `known` tells which
 * names are syscalls (an unknown one is an error, as in strace).
 */
export function parseFilter(spec: string, known: (name: string) => boolean): SyscallFilter {
  let body = spec.trim();
  const eq = body.indexOf('=');
  if (eq >= 0) {
    const qualifier = body.slice(0, eq);
    if (qualifier !== 'trace' && qualifier !== 't') throw new FilterError(`--strace-filter ${spec}: only trace= is supported`);
    body = body.slice(eq + 1);
  }
  let negate = false;
  while (body.startsWith('!')) {
    negate = !negate;
    body = body.slice(1);
  }
  if (body.length === 0) throw new FilterError(`--strace-filter ${spec}: empty set`);
  const names = new Set<string>();
  const patterns: RegExp[] = [];
  let all = false;
  for (const raw of body.split(',')) {
    let token = raw.trim();
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
  const inSet = (name: string): boolean => all || names.has(name) || patterns.some((p) => p.test(name));
  return { traces: (name) => inSet(name) !== negate };
}
