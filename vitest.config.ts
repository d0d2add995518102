import { defineConfig } from 'vitest/config';

// Test tiers, one folder each (npm run test:TIER runs one; npm test runs
// every tier but native, as CI does):
//   unit         parsers, decoders, models: no set-up, no C build
//   diff         C programs run natively and under dsu, compared byte for byte
//   hostile      guests that attack the sandbox or the host
//   integration  servers, real clients, live patches under load
//   native       the native side alone (checks the samples, not dsu): on request
//   eval         long evaluations on real programs (dsu mkpatch across Debian's fixes): on request
const tiers = (process.env.DSU_TEST_TIERS ?? 'unit,diff,hostile,integration').split(',');

export default defineConfig({
  test: {
    include: tiers.map((t) => `test/${t}/**/*.test.ts`),
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ['default'],
  },
});
