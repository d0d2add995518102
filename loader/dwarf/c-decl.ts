// Types printed as C declarations, for messages people read:
// `int (*handler)(int, long long int)`, `struct conn *next`, and a struct's
// body with each member's offset.
import { DwarfType, resolved } from './types.js';

/** The name a type is written with: `struct conn`, `unsigned int`, `conn_t`. */
function baseName(t: DwarfType): string {
  switch (t.kind) {
    case 'struct': case 'union': case 'class': case 'enum':
      return `${t.kind} ${t.name ?? '<anonymous>'}`;
    case 'void': return 'void';
    case 'unknown': return '<unknown type>';
    default: return t.name ?? `<${t.kind}>`;
  }
}

const QUALIFIER_KINDS = new Set(['const', 'volatile', 'restrict', 'atomic']);

/** `type name` as C writes it; an empty name gives the abstract type (`char *`, `int [4]`). */
export function declaration(t: DwarfType, name = '', depth = 0): string {
  if (depth > 32) return `<...> ${name}`.trim();
  switch (t.kind) {
    case 'pointer': case 'reference': {
      const star = t.kind === 'pointer' ? '*' : '&';
      const target = t.target;
      const inner = target && (target.kind === 'array' || target.kind === 'function') ? `(${star}${name})` : `${star}${name}`;
      return target ? declaration(target, inner, depth + 1) : `void ${inner}`;
    }
    case 'array': {
      const dims = (t.dims ?? [null]).map((d) => `[${d ?? ''}]`).join('');
      return declaration(t.target!, `${name}${dims}`, depth + 1);
    }
    case 'function': {
      const params = (t.params ?? []).map((p) => declaration(p, '', depth + 1));
      if (t.variadic) params.push('...');
      const list = params.length === 0 ? (t.prototyped ? 'void' : '') : params.join(', ');
      return declaration(t.returns!, `${name}(${list})`, depth + 1);
    }
    case 'const': case 'volatile': case 'restrict': case 'atomic': {
      const word = t.kind === 'atomic' ? '_Atomic' : t.kind;
      const target = t.target!;
      // a qualified pointer is written after the star: `char *const p`
      if (target.kind === 'pointer') return declaration(target, `${word}${name ? ` ${name}` : ''}`, depth + 1).replace(/\*(\S)/, '*$1');
      if (QUALIFIER_KINDS.has(target.kind) || target.kind === 'array') return declaration(target, name, depth + 1).replace(/^/, `${word} `);
      return `${word} ${declaration(target, name, depth + 1)}`;
    }
    default:
      return name ? `${baseName(t)} ${name}`.replace(/ \*/, ' *') : baseName(t);
  }
}

/** The body of a struct, union or enum (through typedefs), with offsets; other types as one declaration. */
export function definition(t: DwarfType): string {
  const r = resolved(t);
  const prefix = r !== t && t.kind === 'typedef' ? `typedef ` : '';
  const suffix = prefix ? ` ${t.name}` : '';
  if (r.kind === 'enum' && r.enumerators) {
    const body = r.enumerators.map((e) => `    ${e.name} = ${e.value},`).join('\n');
    return `${prefix}enum ${r.name ?? ''} {\n${body}\n}${suffix};`.replace('enum  {', 'enum {');
  }
  if ((r.kind === 'struct' || r.kind === 'union' || r.kind === 'class') && !r.declaration && r.members) {
    const lines = r.members.map((m) => {
      const decl = declaration(m.type, m.name ?? '');
      const bits = m.bitSize !== undefined ? ` : ${m.bitSize}` : '';
      const where = m.bitSize !== undefined ? `bit ${m.bitOffset}` : `offset ${m.offset}`;
      return `    ${decl}${bits};  /* ${where}, ${m.type.size ?? '?'} bytes */`;
    });
    const head = `${r.kind} ${r.name ?? ''}`.trimEnd();
    return `${prefix}${head} {  /* ${r.size ?? '?'} bytes */\n${lines.join('\n')}\n}${suffix};`;
  }
  if (r.kind === 'struct' || r.kind === 'union' || r.kind === 'class') return `${r.kind} ${r.name ?? '<anonymous>'};  /* incomplete */`;
  return declaration(t);
}
