// Binding a linked object's undefined symbols to the running program.
//
// A name is looked up in this order (docs/LINKING.md):
//  0. the caller's interpositions (name -> address): data the object defines
//     but must share with the running program (done by the caller);
//  1. the object's own definition: a symbol it defines binds to itself (a
//     -fPIC -shared object reaches its own globals through its GOT; unlike
//     with ld.so, the program's definition of the same name does not
//     interpose: the patch's new version is the one meant). The caller does
//     this step, which needs the object.
//     Then, for names it only declares: the caller's overrides (name ->
//     address, by the name as written), with which the patcher binds a later
//     patch to the newest version of something an earlier patch replaced;
//  2. dsu.old.NAME and dsu.old.FILE:NAME: NAME in the running program's old
//     version: the executable (a global, else a file-local static when only
//     one file defines NAME; FILE:NAME picks the static of source file FILE),
//     then its libraries in load order; objects dsu linked are not searched;
//  3. the executable: a global or weak definition, else a file-local static
//     when exactly one symbol has that name (several are an error listing
//     them with their files);
//  4. the other loaded objects in load order (libraries, ld.so, then objects
//     dsu linked): global and weak definitions of their dynamic symbol
//     tables, honouring the symbol version the reference asks for.
// A weak reference that stays unresolved is 0, as with ld.so.
import { ElfError } from '../elf/errors.js';
import type { RuntimeModule } from '../program/runtime-module.js';
import { LinkProblem } from './errors.js';
import {
  ExecutableSymbols, ExportedSymbol, LibraryExports, LinkCache, ProgramSymbol, TargetKind, fileMatches,
} from './program-symbols.js';

export const OLD_PREFIX = 'dsu.old.';

export interface Reference {
  /** The name as the object writes it (dsu.old.counter included). */
  name: string;
  /** Version the reference requires (puts@GLIBC_2.0), or null. */
  version: string | null;
  weak: boolean;
}

export interface Resolution {
  name: string;
  /** Run-time address (the resolver's when `ifunc`). */
  address: number;
  /**
   * Where it was found: interposed, self, override, exe, exe-static(FILE), lib:NAME
   * (libraries and ld.so), linked:NAME (an object dsu linked), the same
   * prefixed with old: for dsu.old names, or undefined-weak.
   */
  from: string;
  kind: TargetKind;
  /** The address is an IFUNC resolver's: the value is what it returns. */
  ifunc: boolean;
}

/** dsu.old.NAME or dsu.old.FILE:NAME; FILE may hold dots, NAME (a symbol) holds no colon. */
function parseOldName(name: string): { file: string | null; symbol: string } | null {
  if (!name.startsWith(OLD_PREFIX)) return null;
  const rest = name.slice(OLD_PREFIX.length);
  const colon = rest.lastIndexOf(':');
  return colon < 0 ? { file: null, symbol: rest } : { file: rest.slice(0, colon), symbol: rest.slice(colon + 1) };
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

type Found = { resolution: Resolution } | { problem: LinkProblem } | null;

export class SymbolResolver {
  private readonly exe: RuntimeModule | null;
  private readonly others: RuntimeModule[];
  /** Modules whose dynamic symbols could not be read: reported once. */
  private readonly unreadable = new Map<RuntimeModule, string>();

  constructor(
    modules: readonly RuntimeModule[],
    private readonly cache: LinkCache,
    private readonly overrides: ReadonlyMap<string, number>,
  ) {
    this.exe = modules.find((m) => m.kind === 'exe') ?? null;
    this.others = [...modules].filter((m) => m.kind !== 'exe').sort((a, b) => a.order - b.order);
  }

  /** Problems reading the program's own files, met while resolving. */
  moduleProblems(): LinkProblem[] {
    return [...this.unreadable].map(([m, message]) => ({ kind: 'elf', subject: m.name, message: `cannot read the symbols of ${m.name}: ${message}` }));
  }

  /** Steps 2-4 and weak references; step 1 is the caller's. */
  resolve(ref: Reference): Resolution | LinkProblem {
    const override = this.overrides.get(ref.name);
    if (override !== undefined) return { name: ref.name, address: override >>> 0, from: 'override', kind: 'other', ifunc: false };
    const old = parseOldName(ref.name);
    const found = old ? this.resolveOld(ref, old.file, old.symbol) : this.resolvePlain(ref);
    if (found && 'resolution' in found) return found.resolution;
    if (found) return found.problem;
    if (ref.weak) return { name: ref.name, address: 0, from: 'undefined-weak', kind: 'other', ifunc: false };
    return this.unresolved(ref, old);
  }

  private resolvePlain(ref: Reference): Found {
    return this.inExecutable(ref.name, ref.name, null, '') ?? this.inOthers(ref, ref.name, '', true);
  }

  private resolveOld(ref: Reference, file: string | null, symbol: string): Found {
    if (symbol === '' || file === '') {
      return { problem: { kind: 'unresolved', subject: ref.name, message: `malformed name ${ref.name}: write dsu.old.NAME or dsu.old.FILE:NAME` } };
    }
    const inExe = this.inExecutable(ref.name, symbol, file, 'old:');
    if (inExe || file !== null) return inExe;
    return this.inOthers({ ...ref, name: symbol }, ref.name, 'old:', false);
  }

  private inExecutable(asWritten: string, name: string, file: string | null, prefix: string): Found {
    if (!this.exe) return null;
    const exe = this.exe;
    const named = this.executableSymbols()?.named(name) ?? [];
    const resolution = (s: ProgramSymbol): Found => ({
      resolution: {
        name: asWritten, address: (s.start + exe.bias) >>> 0, from: `${prefix}${s.local ? `exe-static(${s.file ?? '?'})` : 'exe'}`,
        kind: s.kind, ifunc: s.ifunc,
      },
    });
    if (file === null) {
      const global = named.find((s) => !s.local);
      if (global) return resolution(global);
    }
    const locals = named.filter((s) => s.local && (file === null || fileMatches(s.file, file)));
    if (locals.length === 1) return resolution(locals[0]);
    if (locals.length === 0) return null;
    const candidates = locals.map((s) => `${name} in ${s.file ?? 'an unnamed file'} at ${hex(s.start + exe.bias)}`);
    const hint = locals.find((s) => s.file !== null);
    return {
      problem: {
        kind: 'ambiguous', subject: asWritten, candidates,
        message: `ambiguous symbol ${asWritten}: ${locals.length} file-local definitions in ${exe.name} (${candidates.join('; ')})` +
          (hint ? `; name one as ${OLD_PREFIX}${hint.file}:${name}` : ''),
      },
    };
  }

  private inOthers(ref: Reference, asWritten: string, prefix: string, includeLinked: boolean): Found {
    for (const m of this.others) {
      if (!includeLinked && m.kind === 'linked') continue;
      const def = this.exportsOf(m)?.find(ref.name, ref.version);
      if (!def) continue;
      return this.fromLibrary(asWritten, m, def, prefix);
    }
    return null;
  }

  private fromLibrary(asWritten: string, m: RuntimeModule, def: ExportedSymbol, prefix: string): Found {
    const from = `${prefix}${m.kind === 'linked' ? 'linked' : 'lib'}:${m.name}`;
    if (def.kind === 'tls') {
      return { problem: { kind: 'tls', subject: asWritten, message: `symbol ${asWritten} is thread-local in ${m.name}, which dsu does not link` } };
    }
    const address = def.absolute ? def.value : (def.value + m.bias) >>> 0;
    return { resolution: { name: asWritten, address, from, kind: def.kind, ifunc: def.ifunc } };
  }

  private exportsOf(m: RuntimeModule): LibraryExports | null {
    return this.readable(m, () => this.cache.exportsOf(m.data.elf));
  }

  private executableSymbols(): ExecutableSymbols | null {
    const exe = this.exe;
    return exe ? this.readable(exe, () => this.cache.executableSymbols(exe.data)) : null;
  }

  private readable<T>(m: RuntimeModule, read: () => T): T | null {
    if (this.unreadable.has(m)) return null;
    try {
      return read();
    } catch (e) {
      if (!(e instanceof ElfError)) throw e;
      this.unreadable.set(m, e.message);
      return null;
    }
  }

  private unresolved(ref: Reference, old: { file: string | null; symbol: string } | null): LinkProblem {
    const searched = [this.exe?.name, ...this.others.filter((m) => !old || m.kind !== 'linked').map((m) => m.name)].filter((n) => n !== undefined);
    const version = ref.version ? `@${ref.version}` : '';
    let detail = `searched ${searched.join(', ') || 'nothing: no modules'}`;
    if (old?.file) {
      const elsewhere = this.executableSymbols()?.named(old.symbol) ?? [];
      detail = `no file-local ${old.symbol} from ${old.file} in ${this.exe?.name ?? 'the executable'}` +
        (elsewhere.length > 0 ? ` (${old.symbol} is ${elsewhere.map((s) => (s.local ? `file-local in ${s.file ?? '?'}` : 'global')).join(', ')})` : '');
    } else if (ref.version) {
      const offered = this.others.map((m) => ({ m, versions: this.exportsOf(m)?.versionsOf(ref.name) ?? [] })).filter((x) => x.versions.length > 0);
      if (offered.length > 0) detail += `; ${offered.map((x) => `${x.m.name} has ${ref.name} ${x.versions.join(', ')}`).join('; ')}`;
    }
    return { kind: 'unresolved', subject: ref.name, message: `unresolved symbol ${ref.name}${version} (${detail})` };
  }
}
