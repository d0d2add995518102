// The processor the guest sees through CPUID. Unicorn 2.0.1 resets its
// feature words to an odd mix (SSE4.2 and BMI2 but no FPU, TSC or MMX bit,
// no SSE3, no POPCNT, no NX), and its translator refuses instructions whose
// feature bit is clear: a program built for a newer CPU got SIGILL on
// popcnt. These words describe what the engine, with the fixes in this
// directory, executes the way a real processor does (checked by the CPU
// conformance programs in c-samples/cpu/, run natively and emulated); a
// feature that stays wrong is left out so libraries choose another path.
import { CpuStateFields, FeatureWord } from './cpu-state.js';
import type { EngineFixes } from './engine-fixes.js';

const bit = (n: number): number => (1 << n) >>> 0;

/** CPUID.1:EDX: fpu de pse tsc msr pae mce cx8 apic mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2. */
export const LEAF1_EDX = [0, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 16, 17, 19, 23, 24, 25, 26].reduce((a, n) => a | bit(n), 0) >>> 0;

/** CPUID.1:ECX: sse3 pclmulqdq ssse3 cx16 sse4.1 sse4.2 movbe popcnt aes xsave (OSXSAVE follows CR4). */
const LEAF1_ECX = [0, 1, 9, 13, 19, 20, 22, 23, 25, 26].reduce((a, n) => a | bit(n), 0) >>> 0;

/** CPUID.7.0:EBX: bmi1 bmi2 (when the translator's BMI bugs are corrected), adx. */
const LEAF7_BMI = bit(3) | bit(8);
const LEAF7_ADX = bit(19);

/** The leaf 1 EDX bits AMD repeats in 0x80000001 EDX. */
const AMD_ALIASES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 16, 17, 23, 24].reduce((a, n) => a | bit(n), 0) >>> 0;

/** CPUID.80000001:EDX: the aliases, nx, mmxext, rdtscp. */
const EXT1_EDX = ((LEAF1_EDX & AMD_ALIASES) | bit(20) | bit(22) | bit(27)) >>> 0;

/** CPUID.80000001:ECX: lahf_lm abm (lzcnt) 3dnowprefetch (prefetchw). */
const EXT1_ECX = [0, 5, 8].reduce((a, n) => a | bit(n), 0) >>> 0;

/** XSAVE state components: x87 and SSE, both enabled in XCR0 as Linux does. */
const XSAVE_COMPONENTS = 0x3;

export function applyCpuFeatures(fields: CpuStateFields, fixes: EngineFixes): void {
  fields.setFeature(FeatureWord.Leaf1Edx, LEAF1_EDX);
  fields.setFeature(FeatureWord.Leaf1Ecx, LEAF1_ECX);
  fields.setFeature(FeatureWord.Leaf7Ebx, (fixes.bmi ? LEAF7_BMI : 0) | LEAF7_ADX);
  fields.setFeature(FeatureWord.Leaf7Ecx, 0);
  fields.setFeature(FeatureWord.Leaf7Edx, 0);
  fields.setFeature(FeatureWord.Leaf7Sub1Eax, 0);
  fields.setFeature(FeatureWord.Ext1Edx, EXT1_EDX);
  fields.setFeature(FeatureWord.Ext1Ecx, EXT1_ECX);
  fields.setXsaveComponents(XSAVE_COMPONENTS, XSAVE_COMPONENTS);
}
