// Why a shared object cannot be linked. planLink collects every problem it
// finds before throwing, so one LinkError lists all of them.

export type LinkProblemKind =
  /** Malformed ELF (an ElfError from a decoder). */
  | 'elf'
  /** Not something dsu links: wrong ELF type, PIE executable, no segments. */
  | 'object'
  /** Segments dsu cannot map as laid out, or sections they do not hold where the headers say. */
  | 'segment'
  /** A function or object symbol outside the object's loaded memory (or code outside its executable segments). */
  | 'symbol'
  /** No room, or the chosen range is taken. */
  | 'placement'
  | 'unresolved'
  | 'ambiguous'
  /** A relocation type dsu does not apply, or one outside the object. */
  | 'relocation'
  /** Thread-local storage (PT_TLS, TLS relocations or symbols). */
  | 'tls'
  /** An IFUNC that cannot be resolved without running guest code. */
  | 'ifunc';

export interface LinkProblem {
  kind: LinkProblemKind;
  /** The symbol name, relocation type or ELF field concerned. */
  subject: string;
  message: string;
  /** For an ambiguous symbol: every candidate, e.g. "counter in host-a.c at 0x5655804c". */
  candidates?: string[];
}

export class LinkError extends Error {
  constructor(readonly file: string, readonly problems: readonly LinkProblem[]) {
    const n = problems.length;
    super(`${file}: cannot link (${n} problem${n === 1 ? '' : 's'}):\n${problems.map((p) => `  ${p.message}`).join('\n')}`);
    this.name = 'LinkError';
  }

  /** Subjects of the problems of one kind (e.g. every unresolved name). */
  subjects(kind: LinkProblemKind): string[] {
    return this.problems.filter((p) => p.kind === kind).map((p) => p.subject);
  }
}

/** Collects problems; a kind that floods (a corrupt table) is cut short with a count. */
export class ProblemList {
  private readonly list: LinkProblem[] = [];
  private readonly counts = new Map<LinkProblemKind, number>();

  constructor(private readonly perKind = 50) {}

  add(problem: LinkProblem): void {
    const n = (this.counts.get(problem.kind) ?? 0) + 1;
    this.counts.set(problem.kind, n);
    if (n <= this.perKind) this.list.push(problem);
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  has(kind: LinkProblemKind): boolean {
    return this.list.some((p) => p.kind === kind);
  }

  all(): LinkProblem[] {
    const more = [...this.counts].filter(([, n]) => n > this.perKind)
      .map(([kind, n]): LinkProblem => ({ kind, subject: kind, message: `... and ${n - this.perKind} more ${kind} problems` }));
    return [...this.list, ...more];
  }
}
