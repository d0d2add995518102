// Collecting the host's young generation just before an update's pause, so
// that a scavenge (about a millisecond) is unlikely to land inside it.
import v8 from 'node:v8';
import vm from 'node:vm';

type Gc = (options?: { type: 'minor' | 'major' }) => void;
let gc: Gc | null | undefined;

export function collectYoungGeneration(): void {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as Gc;
    } catch {
      gc = null;
    }
  }
  gc?.({ type: 'minor' });
}
