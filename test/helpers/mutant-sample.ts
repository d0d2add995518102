// Drawing a campaign's mutants from several families: each family shuffled
// with the seed, then taken round-robin, so that any number of mutants is
// spread over every family (the small ones run out first).
import { Mutant, Rng } from './elf-mutate.js';

export function spreadSample(families: readonly Mutant[][], count: number, rng: Rng): Mutant[] {
  const shuffled = families.map((f) => {
    const order = [...f];
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.below(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
  });
  const out: Mutant[] = [];
  for (let i = 0; out.length < count && shuffled.some((f) => i < f.length); i++) {
    for (const f of shuffled) if (i < f.length && out.length < count) out.push(f[i]);
  }
  return out;
}
