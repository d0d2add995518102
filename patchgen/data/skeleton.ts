// TRANSFER.skeleton.c: the state transfer a patch needs, written out as far
// as the two builds' debug information tells. Each changed variable gets a
// converter: members with the same name and layout are copied, new members
// start at zero, and what a human must decide (a member whose type changed,
// records behind a pointer that must be rebuilt and relinked) is an #error
// naming the decision, so an unfinished skeleton cannot become a patch. The
// file is meant to be given back as --transfer UNIT.c=TRANSFER.c: appended
// to that unit of the new version, it sees the new types by their names.
import path from 'node:path';
import { compareLayouts, declaration, resolved } from '../../loader/dwarf/index.js';
import type { DwarfType } from '../../loader/dwarf/index.js';
import type { VariableChange } from './variables.js';

export interface ChangedType {
  change: VariableChange;
  oldType: DwarfType;
  newType: DwarfType;
  /** How the program's symbol table names the variable's file (for DSU_OLD_STATIC). */
  fileRef: string;
}

const isRecord = (t: DwarfType): boolean => ['struct', 'union'].includes(resolved(t).kind) && !resolved(t).declaration;
const tag = (t: DwarfType): string | null => (isRecord(t) && resolved(t).name ? `${resolved(t).kind} ${resolved(t).name}` : null);

class Writer {
  private readonly oldRecords = new Map<string, DwarfType>();
  private readonly lines: string[] = [];
  private readonly converters: string[] = [];
  private readonly recordConverterLines: string[] = [];
  private readonly transfers: string[] = [];
  private readonly rollbacks: string[] = [];
  decisions = 0;
  /** Some variable reaches changed records through a pointer: they need converters of their own. */
  pointees = false;

  /** The old layout of `t` under a name of its own (struct node -> struct node_old), declared once. */
  private oldName(t: DwarfType): string {
    const r = resolved(t);
    const name = `${r.kind} ${r.name}_old`;
    if (!this.oldRecords.has(name)) this.oldRecords.set(name, r);
    return name;
  }

  /** A type as the skeleton writes it for the old side: changed records by their _old names. */
  private oldDecl(t: DwarfType, name: string, changed: ReadonlySet<string>): string {
    let text = declaration(t, name);
    for (const c of changed) text = text.replace(new RegExp(`\\b${c}\\b(?!_old)`, 'g'), `${c}_old`);
    return text;
  }

  /** Records reachable from `t` (through members, pointers and arrays) whose layout differs between the builds. */
  changedRecords(oldType: DwarfType, newType: DwarfType, out: Map<string, { old: DwarfType; new: DwarfType }>): void {
    const seen = new Set<string>();
    const walk = (a: DwarfType, b: DwarfType): void => {
      const ra = resolved(a);
      const rb = resolved(b);
      if ((ra.kind === 'pointer' || ra.kind === 'array') && ra.target && rb.target) return walk(ra.target, rb.target);
      const name = tag(ra);
      if (!name || name !== tag(rb) || seen.has(name)) return;
      seen.add(name);
      if (compareLayouts(ra, rb, { throughPointers: false }) !== null) out.set(name, { old: ra, new: rb });
      for (const m of ra.members ?? []) {
        const nm = rb.members?.find((x) => x.name === m.name);
        if (nm) walk(m.type, nm.type);
      }
    };
    walk(oldType, newType);
  }

  declareOld(changed: Map<string, { old: DwarfType; new: DwarfType }>): void {
    const names = new Set(changed.keys());
    for (const [name, { old }] of changed) {
      const r = resolved(old);
      const body = (r.members ?? []).map((m) => `    ${this.oldDecl(m.type, m.name ?? '', names)}${m.bitSize !== undefined ? ` : ${m.bitSize}` : ''};  /* offset ${m.offset} */`);
      this.lines.push(`${name}_old {  /* the old layout, ${r.size ?? '?'} bytes */`, ...body, '};', '');
    }
  }

  /**
   * Statements copying a record of the old layout into one of the new,
   * member by member; `to` and `from` are access prefixes ("totals.", "n->").
   */
  private copyMembers(to: string, from: string, oldT: DwarfType, newT: DwarfType, changed: ReadonlySet<string>, indent: string, out: string[]): void {
    const ro = resolved(oldT);
    const rn = resolved(newT);
    for (const m of rn.members ?? []) {
      const om = ro.members?.find((x) => x.name === m.name && m.name !== null);
      if (!om) {
        out.push(`${indent}/* ${to}${m.name ?? '(anonymous)'}: new, starts at zero */`);
        continue;
      }
      const diff = compareLayouts(om.type, m.type, { throughPointers: false });
      const t = tag(m.type);
      if (diff === null && !(t && changed.has(t))) {
        if (resolved(m.type).kind === 'array') out.push(`${indent}memcpy(&${to}${m.name}, &${from}${m.name}, sizeof ${from}${m.name});`);
        else if (resolved(m.type).kind === 'pointer' && resolved(m.type).target && tag(resolved(m.type).target!) && changed.has(tag(resolved(m.type).target!)!)) {
          this.decisions++;
          out.push(`${indent}${to}${m.name} = (void *)${from}${m.name};`);
          out.push(`#error "DSU-TODO: ${to}${m.name} points to a ${tag(resolved(m.type).target!)} in the old layout: point it to the converted record"`);
        } else out.push(`${indent}${to}${m.name} = ${from}${m.name};`);
      } else if (isRecord(m.type) && isRecord(om.type)) {
        this.copyMembers(`${to}${m.name}.`, `${from}${m.name}.`, om.type, m.type, changed, indent, out);
      } else {
        this.decisions++;
        out.push(`#error "DSU-TODO: ${to}${m.name} changed from ${declaration(om.type).replace(/"/g, "'")} to ${declaration(m.type).replace(/"/g, "'")}: convert it"`);
      }
    }
  }

  variable(c: ChangedType, changed: Map<string, { old: DwarfType; new: DwarfType }>): void {
    const v = c.change;
    const names = new Set(changed.keys());
    const oldRef = `old_${v.name}`;
    const asOld = v.local ? `DSU_OLD_STATIC("${c.fileRef}", ${v.name})` : `DSU_OLD(${v.name})`;
    this.lines.push(`/* ${v.name} (${v.unit}): ${v.difference} */`, `extern ${this.oldDecl(c.oldType, oldRef, names)} ${asOld};`, '');
    const fn = `convert_${v.name}`;
    const back = `convert_back_${v.name}`;
    const body: string[] = [];
    const backBody: string[] = [];
    if (v.storage && isRecord(c.newType) && isRecord(c.oldType)) {
      this.copyMembers(`${v.name}.`, `${oldRef}.`, c.oldType, c.newType, names, '    ', body);
      this.copyMembers(`${oldRef}.`, `${v.name}.`, c.newType, c.oldType, names, '    ', backBody);
    } else if (v.storage && resolved(c.newType).kind === 'array') {
      body.push(`    memcpy(&${v.name}, &${oldRef}, sizeof ${oldRef} < sizeof ${v.name} ? sizeof ${oldRef} : sizeof ${v.name});  /* the rest keeps its initial value */`);
      backBody.push(`    memcpy(&${oldRef}, &${v.name}, sizeof ${oldRef} < sizeof ${v.name} ? sizeof ${oldRef} : sizeof ${v.name});`);
    } else {
      this.decisions += 2;
      this.pointees = true;
      const records = [...changed.keys()].join(', ');
      body.push(`#error "DSU-TODO: ${v.name} keeps its storage, but what it points to changed (${records}): rebuild every record it reaches with the new_..._from_old functions above, relink the pointers between them, and free the old ones"`);
      backBody.push(`#error "DSU-TODO: the reverse of ${fn}; or delete dsu_rollback, and dsu rollback will refuse this patch once its transfer changed the program's records"`);
    }
    this.converters.push(`static int ${fn}(void)`, '{', ...body, '    return 0;', '}', '', `static int ${back}(void)`, '{', ...backBody, '    return 0;', '}', '');
    this.transfers.push(`    if (${fn}() != 0)`, '        return 1;');
    this.rollbacks.push(`    if (${back}() != 0)`, '        return 1;');
  }

  /** For records reached through pointers, one function per changed type: a new record from an old one. */
  recordConverters(changed: Map<string, { old: DwarfType; new: DwarfType }>): void {
    if (!this.pointees) return;
    const names = new Set(changed.keys());
    for (const [name, t] of changed) {
      const simple = name.split(' ')[1];
      const body: string[] = [];
      this.copyMembers('n->', 'o->', t.old, t.new, names, '    ', body);
      this.recordConverterLines.push(
        `/* A ${name} in the new layout, from one in the old (the caller relinks and frees). */`,
        `static __attribute__((unused)) ${name} *new_${simple}_from_old(const ${name}_old *o)`, '{', `    ${name} *n = calloc(1, sizeof *n);`, '',
        '    if (n == NULL)', '        return NULL;', ...body, '    return n;', '}', '');
    }
  }

  text(header: string[]): string {
    return [...header, ...this.lines, ...this.recordConverterLines, ...this.converters, 'int dsu_transfer(void)', '{', ...this.transfers, '    return 0;', '}', '',
      'int dsu_rollback(void)', '{', ...this.rollbacks, '    return 0;', '}', ''].join('\n');
  }
}

/** The skeleton's text, and how many decisions it leaves to a human. */
export function transferSkeleton(changes: readonly ChangedType[], versions: { old: string; new: string }): { text: string; decisions: number; units: string[] } {
  const w = new Writer();
  const records = new Map<string, { old: DwarfType; new: DwarfType }>();
  for (const c of changes) w.changedRecords(c.oldType, c.newType, records);
  w.declareOld(records);
  for (const c of changes) w.variable(c, records);
  w.recordConverters(records);
  const units = [...new Set(changes.map((c) => c.change.unit))];
  const header = [
    '/*',
    ` * TRANSFER.skeleton.c: the state transfer for ${versions.old} -> ${versions.new}, written by dsu mkpatch.`,
    ` * Complete it and give it back: dsu mkpatch ... --transfer ${path.basename(units[0] ?? 'UNIT.c')}=THIS_FILE.c`,
    ' * It is compiled appended to that file of the new version, so the new types,',
    ' * statics and macros are there by their plain names. Members with the same',
    ' * name and layout are copied, new members start at zero; each #error',
    ' * "DSU-TODO" is a decision only you can make.',
    ...(units.length > 1 ? [` * The variables are in ${units.join(', ')}: put each part in a transfer of its own file.`] : []),
    ' */',
    '#include <stdlib.h>',
    '#include <string.h>',
    '#include "dsu.h"',
    '',
  ];
  return { text: w.text(header), decisions: w.decisions, units };
}
