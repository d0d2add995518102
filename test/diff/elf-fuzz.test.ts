// Robustness of the ELF loader: real files (a PIE and a static sample, the
// system's 32-bit ld-linux.so.2 and libc.so.6) are mutated with a fixed seed
// and fed to parseElf, every decoder, mapImage and startProgram. Each must
// succeed or throw an ElfError naming the file; anything else, a hang or a
// runaway heap is a bug. The mutants run in a worker thread over the compiled
// loader (dist/) so that a hang can be stopped and blamed on its input.
import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BUILD, REPO } from '../helpers/run.js';
import { elfMutants, structuredMutants, Mutant } from '../helpers/elf-mutate.js';
import { parseElf } from '../../loader/elf/elf-file.js';
import { ElfError } from '../../loader/elf/errors.js';
import { staticSymbols, dynamicSymbols } from '../../loader/elf/symbols.js';
import { readDynamic } from '../../loader/elf/dynamic.js';
import { allRelocations } from '../../loader/elf/relocations.js';
import { buildId } from '../../loader/elf/notes.js';
import { ET_DYN, ET_EXEC, R_386_JUMP_SLOT } from '../../loader/elf/constants.js';

// Fixed by default; DSU_FUZZ_SEED and DSU_FUZZ_COUNT explore further by hand.
const SEED = Number(process.env.DSU_FUZZ_SEED ?? 0x0e1f5eed);
const PER_FILE = Number(process.env.DSU_FUZZ_COUNT ?? 300);
/** A single file taking this long is a hang: far above the milliseconds one takes. */
const PER_FILE_BUDGET_MS = 15_000;
const HEAP_LIMIT_MB = 512;

function systemLibc(): string {
  const named = execFileSync('gcc', ['-m32', '-print-file-name=libc.so.6'], { encoding: 'utf8' }).trim();
  return fs.realpathSync(named);
}

function interpreterOf(program: string): string {
  const interp = parseElf(fs.readFileSync(program), program).interpreter;
  if (interp === null) throw new Error(`${program} has no PT_INTERP`);
  return interp;
}

const HELLO_DYN = path.join(BUILD, 'conformance', 'hello.dyn');
const HELLO_STATIC = path.join(BUILD, 'conformance', 'hello.static');
for (const f of [HELLO_DYN, HELLO_STATIC]) {
  if (!fs.existsSync(f)) throw new Error(`${path.relative(REPO, f)} is missing: run make -s -C c-samples`);
}
const INTERP = interpreterOf(HELLO_DYN);
const BASES = [
  { name: 'hello.dyn', file: HELLO_DYN },
  { name: 'hello.static', file: HELLO_STATIC },
  { name: 'ld-linux.so.2', file: fs.realpathSync(INTERP) },
  { name: 'libc.so.6', file: systemLibc() },
];

/** The worker runs dist/: it must be compiled from the current sources. */
function checkDistFresh(): void {
  const sources = [...fs.readdirSync(path.join(REPO, 'loader', 'elf')).map((f) => path.join('loader', 'elf', f)), 'loader/image.ts', 'loader/stack.ts', 'loader/startup.ts']
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  for (const src of sources) {
    const built = path.join(REPO, 'dist', src.replace(/\.ts$/, '.js'));
    if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < fs.statSync(path.join(REPO, src)).mtimeMs) {
      throw new Error(`dist/ is older than ${src}: run npx tsc -p .`);
    }
  }
}

interface StepResult {
  step: string;
  outcome: 'ok' | 'elf-error' | 'other';
  file?: string;
  message?: string;
  name?: string;
  stack?: string;
}

type Verdict = { kind: 'done'; results: StepResult[]; ms: number } | { kind: 'hang' } | { kind: 'died'; message: string };

/** One worker at a time; replaced after a hang or a crash. */
class Prober {
  private worker: Worker | null = null;
  private next = 0;

  constructor(private readonly interpreter: { path: string; bytes: Uint8Array }) {}

  private async start(): Promise<Worker> {
    const worker = new Worker(new URL('../helpers/elf-probe-worker.mjs', import.meta.url), {
      workerData: { dist: pathToFileURL(path.join(REPO, 'dist') + path.sep).href, interpreter: this.interpreter },
      resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB },
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    return worker;
  }

  async probe(bytes: Uint8Array, filePath: string): Promise<Verdict> {
    this.worker ??= await this.start();
    const worker = this.worker;
    const id = this.next++;
    const copy = new Uint8Array(bytes);
    const verdict = await new Promise<Verdict>((resolve) => {
      const done = (v: Verdict): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        resolve(v);
      };
      const onMessage = (m: { id: number; results: StepResult[]; ms: number }): void => {
        if (m.id === id) done({ kind: 'done', results: m.results, ms: m.ms });
      };
      const onError = (e: Error): void => done({ kind: 'died', message: `${(e as { code?: string }).code ?? ''} ${e.message}` });
      const timer = setTimeout(() => done({ kind: 'hang' }), PER_FILE_BUDGET_MS);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage({ id, path: filePath, buffer: copy.buffer }, [copy.buffer]);
    });
    if (verdict.kind !== 'done') await this.close();
    return verdict;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}

/** Problems with one mutant's verdict, as readable lines (none when it behaved). */
function problems(m: Mutant, filePath: string, v: Verdict): string[] {
  if (v.kind === 'hang') return [`${m.label}: no answer within ${PER_FILE_BUDGET_MS} ms (hang)`];
  if (v.kind === 'died') return [`${m.label}: worker died (heap over ${HEAP_LIMIT_MB} MB?): ${v.message}`];
  const out: string[] = [];
  for (const r of v.results) {
    if (r.outcome === 'other') out.push(`${m.label}: ${r.step} threw ${r.name}: ${r.message}\n${r.stack}`);
    // startProgram reports errors of the interpreter under the interpreter's name.
    if (r.outcome === 'elf-error' && !(r.file === filePath && r.message?.startsWith(`${filePath}: `)) && !(r.step === 'startProgram' && r.file === INTERP)) {
      out.push(`${m.label}: ${r.step}: ElfError does not name the file: ${r.message}`);
    }
  }
  const parse = v.results[0];
  if (m.mustReject && parse.outcome === 'ok') out.push(`${m.label}: parseElf accepted a file it must reject (${m.mustReject})`);
  return out;
}

describe('ELF loader against mutated files', () => {
  test('the mutator is deterministic and makes the asked number of distinct mutants', () => {
    const base = fs.readFileSync(HELLO_DYN);
    const digest = (ms: Mutant[]): string => {
      const h = createHash('sha256');
      for (const m of ms) h.update(m.label).update(m.bytes);
      return h.digest('hex');
    };
    const a = elfMutants(base, { seed: SEED, count: PER_FILE });
    const b = elfMutants(base, { seed: SEED, count: PER_FILE });
    const c = elfMutants(base, { seed: SEED + 1, count: PER_FILE });
    expect(a).toHaveLength(PER_FILE);
    expect(digest(a)).toBe(digest(b));
    expect(digest(a)).not.toBe(digest(c));
    expect(new Set(a.map((m) => m.label)).size).toBe(PER_FILE);
    expect(new Set(a.map((m) => m.family))).toEqual(new Set(['truncate', 'header', 'phdr', 'shdr', 'link', 'strings', 'symbols', 'dynamic', 'relocations', 'notes', 'flip']));
    expect(a.every((m) => !Buffer.from(m.bytes).equals(base))).toBe(true);
  });

  test('the unmutated files parse and decode to what they hold', () => {
    const dyn = parseElf(fs.readFileSync(HELLO_DYN), 'hello.dyn');
    expect(dyn.type).toBe(ET_DYN);
    expect(dyn.interpreter).toBe('/lib/ld-linux.so.2');
    expect(readDynamic(dyn)?.needed).toContain('libc.so.6');
    expect(staticSymbols(dyn).some((s) => s.name === 'main')).toBe(true);
    expect(buildId(dyn)).toMatch(/^[0-9a-f]{40}$/);
    const stat = parseElf(fs.readFileSync(HELLO_STATIC), 'hello.static');
    expect(stat.type).toBe(ET_EXEC);
    expect(stat.interpreter).toBeNull();
    expect(readDynamic(stat)).toBeNull();
    const ld = parseElf(fs.readFileSync(BASES[2].file), 'ld');
    expect(readDynamic(ld)?.soname).toBe('ld-linux.so.2');
    const relocs = allRelocations(ld);
    expect(relocs.length).toBeGreaterThan(0);
    for (const { section, relocations } of relocs) expect(relocations).toHaveLength(section.size / 8);
    const plt = relocs.find((r) => r.section.name === '.rel.plt')!.relocations;
    expect(plt.length > 0 && plt.every((r) => r.type === R_386_JUMP_SLOT && r.symbol > 0)).toBe(true);
    const libc = parseElf(fs.readFileSync(BASES[3].file), 'libc');
    expect(readDynamic(libc)?.soname).toBe('libc.so.6');
    expect(dynamicSymbols(libc).some((s) => s.name === 'printf')).toBe(true);
  });

  test.each(BASES)('$name: every mutant parses or fails with an ElfError naming it', async ({ name, file }) => {
    checkDistFresh();
    const base = fs.readFileSync(file);
    const mutants = elfMutants(base, { seed: SEED, count: PER_FILE });
    expect(mutants.length * BASES.length).toBeGreaterThanOrEqual(1000);
    const prober = new Prober({ path: INTERP, bytes: fs.readFileSync(INTERP) });
    const found: string[] = [];
    let accepted = 0;
    let rejected = 0;
    try {
      for (const [i, m] of mutants.entries()) {
        const filePath = `fuzz/${name}#${i}`;
        const v = await prober.probe(m.bytes, filePath);
        found.push(...problems(m, filePath, v));
        if (v.kind === 'done') {
          if (v.results[0].outcome === 'ok') accepted++;
          else rejected++;
        }
      }
    } finally {
      await prober.close();
    }
    expect(found.slice(0, 10).join('\n'), `seed ${SEED}`).toBe('');
    // A mutator that only made unreadable or only harmless files would prove little.
    expect(accepted).toBeGreaterThan(PER_FILE / 20);
    expect(rejected).toBeGreaterThan(PER_FILE / 5);
  }, 600_000);
});

describe('ELF errors name the field at fault', () => {
  const base = fs.readFileSync(HELLO_DYN);
  const cases = structuredMutants(base, SEED).flat();
  const staticCases = structuredMutants(fs.readFileSync(HELLO_STATIC), SEED).flat().map((m) => ({ ...m, label: `static/${m.label}` }));
  const byLabel = (label: string): Mutant => {
    const m = [...cases, ...staticCases].find((c) => c.label === label);
    if (!m) throw new Error(`no mutant ${label}`);
    return m;
  };
  const fieldOf = (label: string, decode: (bytes: Uint8Array) => unknown = (b) => parseElf(b, 'bad')): string => {
    try {
      decode(byLabel(label).bytes);
    } catch (e) {
      expect(e).toBeInstanceOf(ElfError);
      expect((e as ElfError).message.startsWith('bad: ')).toBe(true);
      return (e as ElfError).field;
    }
    throw new Error(`${label} was accepted`);
  };

  test('header and table fields', () => {
    expect(fieldOf('truncate:40')).toBe('ELF header');
    expect(fieldOf('header:phentsize=0x0')).toBe('e_phentsize');
    expect(fieldOf('header:shentsize=0x1')).toBe('e_shentsize');
    expect(fieldOf('header:phoff=0x0')).toBe('e_phoff');
    expect(fieldOf('header:phnum=0xffff')).toBe('e_phnum');
    expect(fieldOf('header:shoff=0xffffffff')).toBe('section header table');
    expect(fieldOf('header:shstrndx=0xffff')).toBe('e_shstrndx');
    expect(fieldOf('header:EI_CLASS=2')).toBe('EI_CLASS');
    expect(fieldOf('header:e_machine=40')).toBe('e_machine');
  });

  test('program headers and PT_INTERP', () => {
    expect(fieldOf('phdr:3.p_memsz=0x0')).toBe('segment 3');
    expect(fieldOf('phdr:3.p_vaddr=0xffffffff')).toBe('segment 3');
    expect(fieldOf('phdr:3.p_offset=0xffffffff')).toBe('segment 3 file range');
    expect(fieldOf('strings:interp.no-nul')).toBe('PT_INTERP');
    expect(fieldOf('strings:interp.filesz=8192')).toBe('PT_INTERP');
  });

  test('decoders: string tables, symbols, dynamic entries, relocations, notes', () => {
    const parsed = (f: (elf: ReturnType<typeof parseElf>) => unknown) => (b: Uint8Array) => f(parseElf(b, 'bad'));
    expect(fieldOf('strings:.dynstr.no-nul', parsed(dynamicSymbols))).toMatch(/^st_name of symbol \d+ in \.dynsym$/);
    expect(fieldOf('symbols:.symtab.size=' + (staticSymbolsSize(base) + 1), parsed(staticSymbols))).toBe('.symtab');
    expect(fieldOf('symbols:.symtab.entsize=17', parsed(staticSymbols))).toBe('.symtab');
    expect(fieldOf('link:.dynsym.self', parsed(dynamicSymbols))).toBe('sh_link of .dynsym');
    expect(fieldOf('static/symbols:.symtab.all-one-long-name', parsed(staticSymbols))).toMatch(/^st_name of symbol \d+ in \.symtab$/);
    const strtab = cases.find((c) => c.label.startsWith('dynamic:DT_STRTAB@') && c.label.endsWith('=0xffffffff'))!.label;
    expect(fieldOf(strtab, parsed(readDynamic))).toBe('DT_STRTAB');
    expect(fieldOf('relocations:all-sections-alias-file', parsed(allRelocations))).toBe('SHT_REL');
    expect(fieldOf('relocations:.rel.dyn.size=0x7ffffff8', (b) => parseElf(b, 'bad'))).toBe(`section ${sectionIndex(base, '.rel.dyn')} range`);
    const note = cases.find((c) => c.label.startsWith('notes:') && c.label.endsWith('.n_descsz=0xfffffffc'))!.label;
    expect(fieldOf(note, parsed(buildId))).toBe('note in PT_NOTE');
  });
});

function sectionIndex(bytes: Uint8Array, name: string): number {
  return parseElf(bytes, 'base').sections.findIndex((s) => s.name === name);
}

function staticSymbolsSize(bytes: Uint8Array): number {
  return parseElf(bytes, 'base').sections.find((s) => s.name === '.symtab')!.size;
}
