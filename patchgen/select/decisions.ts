// Every decision the generator makes about a definition, as the report
// lists them: replaced (and why), added, copied in (and why), bound to the
// running program, left out (and what will not take effect).
interface Replaced {
  unit: string;
  /** The name in the running program (the old build's, for a renumbered clone). */
  name: string;
  /** The new build's name when it differs. */
  newName: string | null;
  local: boolean;
  reasons: string[];
}

interface Added {
  unit: string;
  name: string;
  kind: 'function' | 'variable' | 'constant';
  local: boolean;
  size: number;
}

interface CopiedIn {
  unit: string;
  name: string;
  kind: 'function' | 'variable' | 'constant';
  why: string;
}

interface Bound {
  unit: string;
  name: string;
  kind: 'function' | 'variable' | 'constant';
  /** The symbol the patch names it by (NAME or dsu.old.FILE:NAME). */
  as: string;
}

interface LeftOut {
  unit: string;
  name: string;
  reasons: string[];
  /** Why it cannot be replaced. */
  because: string;
}

export interface Decisions {
  replaced: Replaced[];
  added: Added[];
  copiedIn: CopiedIn[];
  bound: Bound[];
  leftOut: LeftOut[];
}

export const emptyDecisions = (): Decisions => ({ replaced: [], added: [], copiedIn: [], bound: [], leftOut: [] });
