// Every step of an update records how to undo itself; undoing replays the
// records backwards. The same log serves a failed update and a rollback.
export interface UndoStep {
  what: string;
  undo(): void;
  /** A kind of step a caller may hold back (see undoAll). */
  tag?: string;
}

export class UndoLog {
  private readonly steps: UndoStep[] = [];

  record(what: string, undo: () => void, tag?: string): void {
    this.steps.push({ what, undo, tag });
  }

  get size(): number {
    return this.steps.length;
  }

  /**
   * Undo everything, newest first; every step runs even if one fails.
   * Steps tagged `holdBack` are dropped without running: the caller does
   * them itself (a rollback unmaps the patch only if nothing points into it).
   * Returns the failures.
   */
  undoAll(holdBack?: string): string[] {
    const failures: string[] = [];
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      if (holdBack !== undefined && step.tag === holdBack) continue;
      try {
        step.undo();
      } catch (e) {
        failures.push(`${step.what}: ${(e as Error).message}`);
      }
    }
    return failures;
  }
}
