// The "indirection" group: what one call costs when it reaches a small
// function directly, through the PLT, through a GOT-loaded pointer, and
// through a jmp placed at the old function's entry (what a patch leaves
// behind), natively and under dsu; each form's ratio to the direct call.
// The kernel (c-samples/bench/indirection.c) times each form itself, best
// of REPEATS runs of N calls, so process start-up does not enter the figures.
import { BenchContext, BenchGroup, GroupReport } from './group.js';
import { CaseResult, runMatrix } from './matrix.js';
import { kernelCase } from './kernels.js';
import { Runner, dsu, native } from './runners.js';
import { median } from './stats.js';
import { formatTable, times } from './table.js';
import { Variant } from './paths.js';

const FORMS = ['inline', 'direct', 'plt', 'got', 'jump'] as const;
type Form = (typeof FORMS)[number];

const DESCRIPTION: Record<Form, string> = {
  inline: 'body inlined in the loop, no call (the loop\'s own cost)',
  direct: 'call rel32 to a function of the executable',
  plt: 'call through the PLT into a shared object (jmp *GOT slot)',
  got: 'call *GOT slot into a shared object (-fno-plt style)',
  jump: 'call to a function whose entry holds jmp rel32 to its replacement (a patch)',
};

/** Calls per form and timed repeats per run, at scale 1 (~1 s per run under dsu). */
const CALLS = 5_000_000;
const REPEATS = 3;

const FORM_LINE = /^form (\w+) (\S+)$/gm;

/** Per form, ns per call of one run, or null where the form does not exist (static build). */
function parseForms(stdout: string): Map<Form, number | null> {
  const out = new Map<Form, number | null>();
  for (const m of stdout.matchAll(FORM_LINE)) {
    if ((FORMS as readonly string[]).includes(m[1])) out.set(m[1] as Form, m[2] === 'n/a' ? null : Number(m[2]));
  }
  return out;
}

interface FormFigures {
  /** Median over runs of the kernel's best-of-REPEATS ns per call, per runner; null when n/a. */
  ns: Record<string, number | null>;
  /** ns / direct ns, per runner. */
  vsDirect: Record<string, number | null>;
  runs: Record<string, number[]>;
}

function figures(res: CaseResult, runners: Runner[]): Record<Form, FormFigures> {
  const out = {} as Record<Form, FormFigures>;
  for (const form of FORMS) {
    const f: FormFigures = { ns: {}, vsDirect: {}, runs: {} };
    for (const r of runners) {
      const values = (res.samples.get(r.name) ?? []).map((s) => parseForms(s.stdout).get(form));
      if (values.some((v) => v === undefined)) throw new Error(`${r.name}: the kernel printed no "form ${form}" line`);
      const numbers = values.filter((v): v is number => v !== null);
      f.runs[r.name] = numbers;
      f.ns[r.name] = numbers.length > 0 ? median(numbers) : null;
    }
    out[form] = f;
  }
  for (const form of FORMS) {
    for (const r of runners) {
      const ns = out[form].ns[r.name];
      const direct = out.direct.ns[r.name];
      out[form].vsDirect[r.name] = ns !== null && direct ? ns / direct : null;
    }
  }
  return out;
}

const nsText = (v: number | null): string => (v === null ? 'n/a' : `${v.toFixed(2)} ns`);
const ratioText = (v: number | null): string => (v === null ? 'n/a' : times(v));

export const indirectionGroup: BenchGroup = {
  name: 'indirection',
  summary: 'ns per call: direct, through the PLT, a GOT pointer, a jump at the old entry; native and under dsu',
  async run(ctx: BenchContext): Promise<GroupReport> {
    const runners: Runner[] = [native, dsu()];
    for (const r of runners) {
      const why = r.unavailable();
      if (why) throw new Error(`${r.name}: ${why}`);
    }
    const calls = String(Math.max(1000, Math.round(CALLS * ctx.scale)));
    const texts: string[] = [];
    const json: Record<string, unknown> = { runs: ctx.runs, scale: ctx.scale, calls: Number(calls), repeats: REPEATS, forms: DESCRIPTION };
    for (const variant of ctx.variants) {
      const c = kernelCase('indirection', 'indirection', variant as Variant, [calls, String(REPEATS)]);
      const [res] = await runMatrix([c], runners, { runs: ctx.runs, warmup: 1, progress: (m) => ctx.progress(`indirection (${variant}): ${m}`) });
      const f = figures(res, runners);
      json[variant] = { checksum: res.checksum, command: c.args, forms: f };
      texts.push(formatTable(
        ['form', 'native', 'native vs direct', 'dsu', 'dsu vs direct', 'dsu / native'],
        FORMS.map((form) => {
          const n = f[form].ns.native;
          const d = f[form].ns[runners[1].name];
          return [form, nsText(n), ratioText(f[form].vsDirect.native), nsText(d), ratioText(f[form].vsDirect[runners[1].name]), ratioText(n && d !== null ? d / n : null)];
        }),
        {
          title: `Indirection (${variant}): ns per call, median of ${ctx.runs} runs of the kernel's best of ${REPEATS} x ${calls} calls`,
          notes: [
            ...FORMS.map((form) => `  ${form.padEnd(6)} ${DESCRIPTION[form]}`),
            'The jump is written by the program into its own text at start-up (mprotect, 5 bytes, mprotect back), then checked to be in effect.',
            ...(variant === 'static' ? ['A static build has no PLT and no GOT-imported functions: those forms are n/a.'] : []),
          ],
        },
      ));
    }
    return { text: texts.join('\n\n'), json };
  },
};
