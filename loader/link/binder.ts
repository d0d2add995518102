// Binding the symbols an object's relocations name, each once: the caller's
// interpositions, then the object's own definitions (step 1 of resolve.ts),
// then the resolver for the names it only declares. Problems are reported
// once per name; a name that could not be bound relocates nothing.
import { SHN_ABS, SHN_UNDEF, STB_WEAK, STT_GNU_IFUNC, STT_TLS } from '../elf/constants.js';
import { ProblemList } from './errors.js';
import { SharedObject } from './shared-object.js';
import type { ElfSymbol } from '../elf/symbols.js';
import { BoundSymbol } from './relocate.js';
import { Resolution, SymbolResolver } from './resolve.js';
import { kindOf } from './program-symbols.js';
import { LinkOptions } from './target.js';

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

export class SymbolBinder {
  private readonly bound = new Map<number, BoundSymbol | null>();
  private readonly reported = new Set<string>();
  readonly resolutions = new Map<string, Resolution>();

  constructor(
    private readonly obj: SharedObject,
    private readonly bias: number,
    private readonly resolver: SymbolResolver,
    private readonly options: LinkOptions,
    private readonly problems: ProblemList,
  ) {}

  bind(index: number): BoundSymbol | null {
    if (this.bound.has(index)) return this.bound.get(index)!;
    const result = this.bindSymbol(this.obj.symbols[index]);
    this.bound.set(index, result);
    return result;
  }

  private report(kind: 'tls' | 'ifunc' | 'unresolved' | 'elf', subject: string, message: string): null {
    const key = `${kind}:${subject}`;
    if (!this.reported.has(key)) {
      this.reported.add(key);
      this.problems.add({ kind, subject, message });
    }
    return null;
  }

  private bindSymbol(sym: ElfSymbol): BoundSymbol | null {
    const name = sym.name || `#${sym.index}`;
    const interposed = sym.name === '' ? undefined : this.options.interpose?.get(sym.name);
    if (interposed !== undefined) {
      const address = interposed >>> 0;
      this.resolutions.set(name, { name, address, from: 'interposed', kind: kindOf(sym.type), ifunc: false });
      return { address, ifunc: false };
    }
    if (sym.shndx !== SHN_UNDEF) {
      // step 1 of resolve.ts: the object's own definition
      if (sym.type === STT_TLS) return this.report('tls', name, `symbol ${name} is thread-local, which dsu does not link`);
      if (sym.type === STT_GNU_IFUNC) return this.report('ifunc', name, `symbol ${name} is an IFUNC defined in the object itself, which dsu does not link`);
      const address = sym.shndx === SHN_ABS ? sym.value : (sym.value + this.bias) >>> 0;
      this.resolutions.set(name, { name, address, from: 'self', kind: kindOf(sym.type), ifunc: false });
      return { address, ifunc: false };
    }
    if (sym.name === '') return this.report('elf', name, `a relocation names undefined symbol ${name}, which has no name`);
    const found = this.resolver.resolve({ name: sym.name, version: this.obj.versions.of(sym.index).name, weak: sym.bind === STB_WEAK });
    if ('message' in found) {
      if (!this.reported.has(`${found.kind}:${found.subject}`)) {
        this.reported.add(`${found.kind}:${found.subject}`);
        this.problems.add(found);
      }
      return null;
    }
    if (found.ifunc && !this.options.resolveIfunc) {
      return this.report('ifunc', name, `symbol ${name} is an IFUNC in ${found.from} (resolver at ${hex(found.address)}): binding it needs a resolveIfunc callback`);
    }
    this.resolutions.set(name, found);
    return { address: found.address, ifunc: found.ifunc };
  }
}
