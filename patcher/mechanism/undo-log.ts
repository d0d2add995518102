// Every step of an update records how to undo itself; undoing replays the
// records backwards. The same log serves a failed update and a rollback.
export interface UndoStep {
  what: string;
  undo(): void;
}

export class UndoLog {
  private readonly steps: UndoStep[] = [];

  record(what: string, undo: () => void): void {
    this.steps.push({ what, undo });
  }

  get size(): number {
    return this.steps.length;
  }

  /** Undo everything, newest first; every step runs even if one fails. Returns the failures. */
  undoAll(): string[] {
    const failures: string[] = [];
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        step.undo();
      } catch (e) {
        failures.push(`${step.what}: ${(e as Error).message}`);
      }
    }
    return failures;
  }
}
