// How long each step of an update took, collected as the steps run rather
// than in variables threaded through the pipeline.
export class StepTimer {
  private readonly ms = new Map<string, number>();

  /** Run `step`, adding its duration to `name` (also when it throws). */
  async time<T>(name: string, step: () => T | Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await step();
    } finally {
      this.ms.set(name, (this.ms.get(name) ?? 0) + performance.now() - start);
    }
  }

  /** Milliseconds spent in `name` (0 if it never ran), rounded to the microsecond. */
  of(name: string): number {
    return round(this.ms.get(name) ?? 0);
  }
}

export const round = (ms: number): number => Math.round(ms * 1000) / 1000;
