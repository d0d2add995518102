// Signalling NaNs converted to or from the x87's 80-bit format come out
// quiet, as on the CPU (Debian 12's Unicorn 2.0.1).
//
// Its softfloat (QEMU 5.0) raises the invalid-operation flag when FLD loads
// a float or double signalling NaN, or FST stores one, but keeps the NaN
// signalling: `flds` of 0x7fa00000 gave 7fff.a000000000000000 where the CPU
// gives 7fff.e000000000000000, and `fstps` of that sNaN stored 0x7fa00000
// where the CPU stores 0x7fe00000. (QEMU fixed it later by silencing the
// NaN in these conversions.) Three places build the converted NaN; each gets
// the quiet bit set, after its exact bytes are checked:
//  - commonNaNToFloatx80 (inlined after floatx80_default_nan, reached from
//    float32/float64/float128_to_floatx80): `mov %rsi,%rax; ... bts $63,%rax`
//    becomes one that also sets bit 62; the whole tail is re-encoded in the
//    same 23 bytes (`lea 0x7fff(%rdi),%edx` does the exponent's or and move);
//  - floatx80_to_float32: `or $0x7f800000,%eax` becomes `or $0x7fc00000`;
//  - floatx80_to_float64: the `movabs $0x7ff0000000000000` it ors in
//    becomes 0x7ff8000000000000.
// Values that are already quiet are unchanged by all three.
import { hexAt, unicornSymbol, writeCode } from './native-code.js';

interface NanSite {
  symbol: string;
  offset: number;
  expected: string;
  replacement: string;
}

const SITES: NanSite[] = [
  {
    symbol: 'floatx80_default_nan_x86_64',
    offset: 0x1b,
    // shl $15,%edi; mov %rsi,%rax; or $0x7fff,%di; bts $63,%rax; mov %di,%cx; mov %rcx,%rdx; ret
    expected: 'c1e70f4889f06681cfff7f480fbae83f6689f94889cac3',
    // shl $15,%edi; lea 0x7fff(%rdi),%edx; bts $62,%rsi; bts $63,%rsi; mov %rsi,%rax; ret
    replacement: 'c1e70f8d97ff7f0000480fbaee3e480fbaee3f4889f0c3',
  },
  { symbol: 'floatx80_to_float32_x86_64', offset: 0x118, expected: '0d0000807f', replacement: '0d0000c07f' },
  { symbol: 'floatx80_to_float64_x86_64', offset: 0x144, expected: '48ba000000000000f07f', replacement: '48ba000000000000f87f' },
];

/** Quiet the converted NaNs, once per process. Returns whether conversions now give quiet NaNs. */
export function quietConvertedNans(notes: string[]): boolean {
  const sites = SITES.map((s) => {
    const fn = unicornSymbol(s.symbol);
    return { s, at: fn === null ? null : fn + s.offset };
  });
  const state = ({ s, at }: (typeof sites)[number]) => {
    if (at === null) return 'unknown';
    const now = hexAt(at, s.expected.length / 2);
    return now === s.replacement ? 'done' : now === s.expected ? 'original' : 'unknown';
  };
  const states = sites.map(state);
  if (states.every((x) => x === 'done')) return true;
  if (states.some((x) => x === 'unknown')) {
    notes.push('unrecognised Unicorn build: x87 loads and stores of signalling NaNs keep them signalling');
    return false;
  }
  for (let i = 0; i < sites.length; i++) {
    if (states[i] === 'done') continue;
    if (!writeCode(sites[i].at!, [...Buffer.from(sites[i].s.replacement, 'hex')])) {
      notes.push(`cannot patch ${sites[i].s.symbol}: signalling NaNs stay signalling there`);
      return false;
    }
  }
  return true;
}
