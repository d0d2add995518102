// applyLink writes a plan into the guest: IFUNC resolvers are called first
// (guest code, through the caller's callback), then, without yielding to the
// guest, the span is checked free again, each page range is mapped with its
// final protection and filled from the relocated image (text relocations
// included: the host writes before the guest can run), translated code of the
// range is dropped and the object is registered. Initialisers run last, if
// the caller gave a way to run them; if they fail the object is unlinked.
import { LinkError } from './errors.js';
import { LinkPlan } from './plan.js';
import { PageRange } from './layout.js';
import { Definition, LinkMemory, LinkedObject } from './target.js';

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

async function resolveIfuncs(plan: LinkPlan): Promise<void> {
  if (plan.pending.length === 0) return;
  const call = plan.options.resolveIfunc;
  if (!call) throw new LinkError(plan.path, [{ kind: 'ifunc', subject: 'resolveIfunc', message: 'IFUNC references need a resolveIfunc callback' }]);
  const results = new Map<number, number>();
  for (const p of plan.pending) {
    if (results.has(p.resolver)) continue;
    let value: number;
    try {
      value = await call(p.resolver);
    } catch (e) {
      throw new LinkError(plan.path, [{ kind: 'ifunc', subject: p.symbol, message: `the IFUNC resolver of ${p.symbol} at ${hex(p.resolver)} failed: ${(e as Error).message}` }]);
    }
    results.set(p.resolver, value >>> 0);
  }
  for (const p of plan.pending) plan.image.write32(p.at, results.get(p.resolver)! + p.delta);
}

function fill(plan: LinkPlan, r: PageRange): (dest: Uint8Array) => void {
  const image = plan.image;
  if (r.fileOffset !== null) return (dest) => dest.set(image.range(r.start, r.end - r.start));
  return (dest) => {
    // zero-fill pages: only those a relocation wrote to hold anything
    for (const page of image.dirtyZeroPages) {
      if (page >= r.start && page < r.end) dest.set(image.range(page, 4096), page - r.start);
    }
  };
}

/**
 * Drops translated code of the mapped pages. Ranges without access are left
 * out: the engine cannot translate their addresses, and would flush all code.
 */
function invalidate(memory: LinkMemory, pages: readonly PageRange[], bias: number): void {
  for (const r of pages) if (r.prot !== 0) memory.invalidateCode((r.start + bias) >>> 0, (r.end + bias) >>> 0);
}

function exportsOf(definitions: readonly Definition[]): Map<string, Definition> {
  const out = new Map<string, Definition>();
  for (const d of definitions) if (d.bind !== 'local' && !out.has(d.name)) out.set(d.name, d);
  return out;
}

/**
 * Maps the plan's page ranges, each only where nothing is mapped: a range
 * found taken (the plan's span was checked free, so only a plan whose pages
 * strayed outside its span could meet one) unmaps what was mapped so far
 * and throws, leaving the program's memory as it was.
 */
function mapPages(plan: LinkPlan): void {
  const memory = plan.target.memory;
  const mapped: [number, number][] = [];
  for (const r of plan.pages) {
    const start = (r.start + plan.bias) >>> 0;
    const end = start + (r.end - r.start);
    if (start < plan.start || end > plan.end || !memory.isFree(start, end)) {
      for (const [a, b] of mapped) memory.unmap(a, b);
      throw new LinkError(plan.path, [{ kind: 'placement', subject: 'PT_LOAD', message: `pages ${hex(start)}-${hex(end)} are not free memory of the object's span: nothing was mapped` }]);
    }
    const file = r.fileOffset === null ? null : { path: plan.path, offset: r.fileOffset };
    memory.map(start, r.end - r.start, r.prot, file, fill(plan, r));
    mapped.push([start, end]);
  }
}

export async function applyLink(plan: LinkPlan): Promise<LinkedObject> {
  if (plan.state.applied) throw new Error(`${plan.path}: this link plan was already applied`);
  plan.state.applied = true;
  await resolveIfuncs(plan);
  const { memory, registry } = plan.target;
  if (!memory.isFree(plan.start, plan.end)) {
    throw new LinkError(plan.path, [{
      kind: 'placement', subject: 'PT_LOAD',
      message: `${hex(plan.start)}-${hex(plan.end)} is no longer free: the program mapped memory there since the plan was made; plan again`,
    }]);
  }
  mapPages(plan);
  invalidate(plan.target.memory, plan.pages, plan.bias);
  registry.add(plan.module);
  const linked: LinkedObject = {
    path: plan.path, name: plan.module.name, bias: plan.bias, start: plan.start, end: plan.end, segments: plan.segments,
    definitions: plan.definitions, exports: exportsOf(plan.definitions), resolutions: plan.resolutions,
    initializers: plan.initializers, finalizers: plan.finalizers, module: plan.module, target: plan.target, pages: plan.pages,
  };
  const run = plan.options.runInitializers;
  if (run && linked.initializers.length > 0) {
    try {
      await run([...linked.initializers]);
    } catch (e) {
      unlink(linked);
      throw e;
    }
  }
  return linked;
}

/** Unmaps the object and removes it from the module model (finalisers are the caller's to run first). */
export function unlink(linked: LinkedObject): void {
  const target = linked.target;
  if (!target.registry.remove(linked.module)) throw new Error(`${linked.path}: not linked (already unlinked?)`);
  invalidate(target.memory, linked.pages, linked.bias);
  target.memory.unmap(linked.start, linked.end);
}
