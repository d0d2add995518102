// The questions the patcher and `dsu mkpatch` ask of a file's debug
// information, answered from an index built once: variables, functions and
// named types by name (statics by the source file of their unit), which
// functions were inlined into which, the line table of each unit.
import path from 'node:path';
import { AT, INL, TAG } from './constants.js';
import { Die, flag, num, ref, str } from './die.js';
import { DwarfInfo } from './info.js';
import { LineTable, readLineTable } from './line.js';
import { locationOf, staticAddress } from './locations.js';
import { AddressRange, dieRanges } from './ranges.js';
import { DwarfType, TypeModel } from './types.js';
import type { Unit } from './unit.js';

export interface CompileUnit {
  /** DW_AT_name as the compiler got it ("kvstore/v1/store.c"). */
  name: string;
  /** Its last component, which the symbol table's STT_FILE entries hold. */
  file: string;
  compDir: string;
  producer: string;
  language: number | undefined;
  version: number;
  unit: Unit;
}

export interface VariableInfo {
  name: string;
  /** Global (DW_AT_external) or file-local (a static, also one declared inside a function). */
  external: boolean;
  /** Only declared here (`extern int x;`): the storage is elsewhere. */
  declaration: boolean;
  type: DwarfType;
  /** The static address, when the location is one. */
  address: number | null;
  /** The function whose body declares it (a function-local static), if any. */
  scope: string | null;
  unit: CompileUnit;
  die: Die;
}

export interface Parameter {
  name: string | null;
  type: DwarfType;
}

export interface InlinedCall {
  /** The inlined function's name. */
  name: string;
  ranges: AddressRange[];
  callFile?: string;
  callLine?: number;
  /** The abstract instance (its type information). */
  origin: Die | undefined;
}

export interface FunctionInfo {
  name: string;
  linkageName: string | null;
  external: boolean;
  /** A declaration only (a prototype of a function defined elsewhere). */
  declaration: boolean;
  /** Code ranges of the out-of-line copy (empty when it has none: inlined everywhere or dropped). */
  ranges: AddressRange[];
  returns: DwarfType;
  params: Parameter[];
  variadic: boolean;
  /** DW_AT_inline says the compiler inlined (some calls of) it. */
  inlined: boolean;
  /** Functions inlined into this one's code, nested ones included. */
  inlines: InlinedCall[];
  /** Names of functions it calls that DWARF call sites record (gcc -O1 and up). */
  calls: string[];
  unit: CompileUnit;
  die: Die;
}

export interface NamedType {
  /** "struct conn", "union u", "enum color", or a typedef's name. */
  name: string;
  type: DwarfType;
  unit: CompileUnit;
}

const base = (p: string): string => path.posix.basename(p);

export class DebugIndex {
  readonly types: TypeModel;
  readonly units: CompileUnit[] = [];
  private readonly variablesByName = new Map<string, VariableInfo[]>();
  private readonly functionsByName = new Map<string, FunctionInfo[]>();
  private readonly typesByName = new Map<string, NamedType[]>();
  private readonly lineTables = new Map<Unit, LineTable | null>();
  private readonly unitInfo = new Map<Unit, CompileUnit>();

  constructor(readonly info: DwarfInfo) {
    this.types = new TypeModel((die, index) => this.fileName(die.unit, index));
    for (const unit of info.compileUnits()) this.indexUnit(unit);
  }

  /** Split units whose .dwo was not found (their names are unknown). */
  get missingDwo(): readonly string[] {
    return this.info.missingDwo;
  }

  variables(name: string): VariableInfo[] {
    return this.variablesByName.get(name) ?? [];
  }

  functions(name: string): FunctionInfo[] {
    return this.functionsByName.get(name) ?? [];
  }

  /** Named types: `struct conn`, `union u`, `enum color`, or a typedef's plain name. */
  namedTypes(name: string): NamedType[] {
    return this.typesByName.get(name) ?? [];
  }

  allVariables(): IterableIterator<VariableInfo> {
    return flatten(this.variablesByName);
  }

  allFunctions(): IterableIterator<FunctionInfo> {
    return flatten(this.functionsByName);
  }

  allNamedTypes(): IterableIterator<NamedType> {
    return flatten(this.typesByName);
  }

  /** A variable as one source file sees it: its static there, else the global (definition first). */
  variable(name: string, file?: string): VariableInfo | undefined {
    const all = this.variables(name);
    const local = file === undefined ? undefined : all.find((v) => !v.external && v.scope === null && v.unit.file === base(file));
    return local ?? all.find((v) => v.external && !v.declaration) ?? all.find((v) => v.external);
  }

  /** A function with code, by name (and source file, for statics). */
  function(name: string, file?: string): FunctionInfo | undefined {
    const all = this.functions(name).filter((f) => !f.declaration).sort((a, b) => Number(b.ranges.length > 0) - Number(a.ranges.length > 0));
    return (file === undefined ? undefined : all.find((f) => !f.external && f.unit.file === base(file))) ?? all.find((f) => f.external) ?? all[0];
  }

  /** Code ranges of every function, sorted by start (built on first use). */
  private byAddress: { start: number; end: number; f: FunctionInfo }[] | null = null;

  /** The function whose out-of-line code holds `address`. */
  functionAt(address: number): FunctionInfo | undefined {
    if (!this.byAddress) {
      this.byAddress = [];
      for (const f of this.allFunctions()) for (const r of f.ranges) this.byAddress.push({ start: r.start, end: r.end, f });
      this.byAddress.sort((a, b) => a.start - b.start);
    }
    // the last range starting at or before the address, then earlier ones (ranges may nest or overlap)
    let lo = 0;
    let hi = this.byAddress.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.byAddress[mid].start <= address) lo = mid + 1;
      else hi = mid - 1;
    }
    for (let i = hi; i >= 0 && i > hi - 8; i--) {
      const r = this.byAddress[i];
      if (address >= r.start && address < r.end) return r.f;
    }
    return undefined;
  }

  /** Functions that have an inlined copy of `name` in their code. */
  inlinedInto(name: string): FunctionInfo[] {
    return [...this.allFunctions()].filter((f) => f.inlines.some((i) => i.name === name));
  }

  /** The line table of a unit (read on first use; null when it has none). */
  lineTable(unit: Unit): LineTable | null {
    if (this.lineTables.has(unit)) return this.lineTables.get(unit)!;
    // a split unit's files are those of its skeleton's line table, in the object
    const owner = num(unit.root, AT.stmt_list) === undefined && unit.host.skeleton ? unit.host.skeleton.unit : unit;
    const offset = num(owner.root, AT.stmt_list);
    let table: LineTable | null = null;
    if (offset !== undefined) {
      table = readLineTable(owner.host.sections, offset, owner.header.addressSize, str(owner.root, AT.comp_dir) ?? str(unit.root, AT.comp_dir) ?? '');
    }
    this.lineTables.set(unit, table);
    return table;
  }

  /** The path a unit's DW_AT_decl_file / DW_AT_call_file index names. */
  fileName(unit: Unit, index: number): string | undefined {
    try {
      const t = this.lineTable(unit);
      return t?.files[index]?.path;
    } catch {
      return undefined;
    }
  }

  private indexUnit(unit: Unit): void {
    const root = unit.root;
    const name = str(root, AT.name) ?? '';
    const cu: CompileUnit = {
      name, file: base(name), compDir: str(root, AT.comp_dir) ?? '', producer: str(root, AT.producer) ?? '',
      language: num(root, AT.language), version: unit.header.version, unit,
    };
    this.units.push(cu);
    this.unitInfo.set(unit, cu);
    // iterative walk: top-level entries, and statics declared inside functions
    const stack: { die: Die; scope: string | null }[] = root.children.map((die) => ({ die, scope: null })).reverse();
    while (stack.length > 0) {
      const { die, scope } = stack.pop()!;
      switch (die.tag) {
        case TAG.variable: this.addVariable(die, cu, scope); break;
        case TAG.subprogram: {
          const f = this.addFunction(die, cu, scope);
          for (let i = die.children.length - 1; i >= 0; i--) if (holdsStatics(die.children[i])) stack.push({ die: die.children[i], scope: f?.name ?? scope });
          break;
        }
        case TAG.lexical_block:
          for (let i = die.children.length - 1; i >= 0; i--) if (holdsStatics(die.children[i])) stack.push({ die: die.children[i], scope });
          break;
        case TAG.structure_type: case TAG.union_type: case TAG.class_type: case TAG.enumeration_type: case TAG.typedef:
          if (scope === null) this.addType(die, cu);
          break;
        default:
      }
    }
  }

  private addVariable(die: Die, cu: CompileUnit, scope: string | null): void {
    const spec = ref(die, AT.specification) !== undefined || ref(die, AT.abstract_origin) !== undefined ? die.unit.origin(die) : undefined;
    const name = str(die, AT.name) ?? (spec && str(spec, AT.name));
    if (!name) return;
    const loc = locationOf(die);
    const address = loc.length === 1 && loc[0].range === null ? staticAddress(die.unit, loc[0].expression) : null;
    // inside a function, only statics (a fixed address) are variables of the program
    if (scope !== null && address === null) return;
    const types = this.types;
    const typeDie = spec && ref(die, AT.type) === undefined ? spec : die;
    const v: VariableInfo = {
      name, external: flag(die, AT.external) || (spec !== undefined && flag(spec, AT.external)),
      declaration: flag(die, AT.declaration), get type() { return types.typeOf(typeDie); },
      address, scope, unit: cu, die,
    };
    // a definition completing an earlier declaration replaces it
    push(this.variablesByName, name, v);
  }

  private addFunction(die: Die, cu: CompileUnit, scope: string | null): FunctionInfo | undefined {
    const origin = die.unit.origin(die);
    const name = str(die, AT.name) ?? (origin && str(origin, AT.name));
    if (!name || scope !== null) return undefined;
    const typeDie = origin && ref(die, AT.type) === undefined ? origin : die;
    const paramSource = die.children.some((c) => c.tag === TAG.formal_parameter) ? die : origin ?? die;
    const inl = num(die, AT.inline) ?? (origin ? num(origin, AT.inline) : undefined);
    const types = this.types;
    let params: Parameter[] | undefined;
    const f: FunctionInfo = {
      name, linkageName: str(die, AT.linkage_name) ?? (origin ? str(origin, AT.linkage_name) ?? null : null),
      external: flag(die, AT.external) || (origin !== undefined && flag(origin, AT.external)),
      declaration: flag(die, AT.declaration), ranges: dieRanges(die),
      get returns() { return types.typeOf(typeDie); },
      get params() {
        return params ??= paramSource.children.filter((c) => c.tag === TAG.formal_parameter).map((c) => ({ name: str(c, AT.name) ?? (c.unit.origin(c) ? str(c.unit.origin(c)!, AT.name) ?? null : null), type: types.typeOf(c) }));
      },
      variadic: paramSource.children.some((c) => c.tag === TAG.unspecified_parameters),
      inlined: inl === INL.inlined || inl === INL.declared_inlined,
      inlines: [], calls: [], unit: cu, die,
    };
    this.collectBody(die, f);
    push(this.functionsByName, name, f);
    return f;
  }

  private addType(die: Die, cu: CompileUnit): void {
    const name = str(die, AT.name);
    if (!name) return;
    const prefix = die.tag === TAG.structure_type ? 'struct ' : die.tag === TAG.union_type ? 'union ' : die.tag === TAG.enumeration_type ? 'enum ' : die.tag === TAG.class_type ? 'class ' : '';
    const types = this.types;
    push(this.typesByName, prefix + name, { name: prefix + name, get type() { return types.type(die); }, unit: cu });
  }

  /** Inlined subroutines and call sites in a function's body, nested scopes included. */
  private collectBody(fn: Die, f: FunctionInfo): void {
    const stack = [...fn.children];
    const calls = new Set<string>();
    while (stack.length > 0) {
      const d = stack.pop()!;
      if (d.tag === TAG.inlined_subroutine) {
        const origin = d.unit.origin(d);
        const name = origin ? str(origin, AT.name) ?? (d.unit.origin(origin) ? str(d.unit.origin(origin)!, AT.name) : undefined) : undefined;
        const callFile = num(d, AT.call_file);
        f.inlines.push({ name: name ?? '?', ranges: safeRanges(d), callLine: num(d, AT.call_line), origin, callFile: callFile === undefined ? undefined : this.fileName(d.unit, callFile) });
      } else if (d.tag === TAG.call_site || d.tag === TAG.GNU_call_site) {
        const target = ref(d, AT.call_origin) ?? ref(d, AT.abstract_origin);
        const callee = target === undefined ? undefined : d.unit.dieAt(target);
        const name = callee && (str(callee, AT.name) ?? (d.unit.origin(callee) ? str(d.unit.origin(callee)!, AT.name) : undefined));
        if (name) calls.add(name);
      }
      for (const c of d.children) stack.push(c);
    }
    f.calls = [...calls];
  }

  /** The compile unit record of a unit of this index. */
  compileUnit(unit: Unit): CompileUnit | undefined {
    return this.unitInfo.get(unit);
  }
}

/** Children worth descending into for function-local statics. */
function holdsStatics(d: Die): boolean {
  return d.tag === TAG.variable || d.tag === TAG.lexical_block;
}

function safeRanges(d: Die): AddressRange[] {
  try {
    return dieRanges(d);
  } catch {
    return [];
  }
}

function push<V>(map: Map<string, V[]>, key: string, v: V): void {
  const list = map.get(key);
  if (list) list.push(v);
  else map.set(key, [v]);
}

function* flatten<V>(map: Map<string, V[]>): IterableIterator<V> {
  for (const list of map.values()) yield* list;
}
