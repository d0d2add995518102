// Worker thread of test/elf-fuzz.test.ts. It runs the compiled loader (dist/)
// on one mutated ELF file at a time, so the test can stop a hang (terminate)
// or a runaway heap (resourceLimits) and still name the input that caused it.
// Reply per file: every step's outcome, 'ok', 'elf-error' (with the error's
// file and message) or 'other' (anything else: a bug).
import { parentPort, workerData } from 'node:worker_threads';

const dist = workerData.dist;
const { parseElf } = await import(new URL('loader/elf/elf-file.js', dist));
const { ElfError } = await import(new URL('loader/elf/errors.js', dist));
const { staticSymbols, dynamicSymbols } = await import(new URL('loader/elf/symbols.js', dist));
const { readDynamic } = await import(new URL('loader/elf/dynamic.js', dist));
const { allRelocations } = await import(new URL('loader/elf/relocations.js', dist));
const { buildId } = await import(new URL('loader/elf/notes.js', dist));
const { mapImage } = await import(new URL('loader/image.js', dist));
const { startProgram } = await import(new URL('loader/startup.js', dist));
// where a PIE goes (loader/startup.ts, what the kernel picks for i386 with ASLR off)
const PIE_BASE = 0x56555000;

const PAGE = 4096;
const FOUR_GIB = 2 ** 32;
// The emulator's limits (emulator/memory/address-space.ts), restated for the fake.
const MMAP_MIN_ADDR = 0x10000;
const TASK_SIZE = 0xfffff000;
const MMAP_TOP = 0xf7800000;
const STACK_TOP = TASK_SIZE - 0x1000;
const STACK_SIZE = 8 * 1024 * 1024;

/** A broken promise of the LoaderMemory contract: reported as a bug, never as bad input. */
class ContractError extends Error {
  name = 'ContractError';
}

// One lazily committed 4 GiB space: only the pages the loader writes cost memory.
const ZEROED_LIMIT = 64 * 1024 * 1024;
const space = new Uint8Array(FOUR_GIB);

/** LoaderMemory/StartupMemory over `space`, checking every request the loader makes. */
class FakeMemory {
  regions = [];
  maps = [];

  map(start, length, prot, name, fill) {
    if (!Number.isInteger(start) || !Number.isInteger(length) || start % PAGE !== 0 || length <= 0 || length % PAGE !== 0) {
      throw new ContractError(`map(${start}, ${length}): not whole pages`);
    }
    if (start < MMAP_MIN_ADDR || start + length > TASK_SIZE) throw new ContractError(`map(0x${start.toString(16)}, ${length}): outside the mappable range`);
    if ((prot & ~7) !== 0 || typeof name !== 'string') throw new ContractError(`map: prot ${prot}, name ${name}`);
    const end = start + length;
    this.regions = this.regions.flatMap((r) => (r.end <= start || r.start >= end ? [r] : [
      ...(r.start < start ? [{ start: r.start, end: start }] : []),
      ...(r.end > end ? [{ start: end, end: r.end }] : []),
    ]));
    this.regions.push({ start, end });
    // Zeroing huge mappings would touch gigabytes: their zero tails are not checked.
    const zeroed = length <= ZEROED_LIMIT;
    if (zeroed) space.fill(0, start, end);
    this.maps.push({ start, end, name, zeroed });
    if (fill) fill(space.subarray(start, end));
  }

  isFree(start, end) {
    if (start < MMAP_MIN_ADDR || end > TASK_SIZE || start >= end) return false;
    return !this.regions.some((r) => r.start < end && start < r.end);
  }

  findFree(length) {
    let top = MMAP_TOP;
    for (const r of [...this.regions].sort((a, b) => b.start - a.start)) {
      if (r.start >= top) continue;
      if (r.end <= top - length) break;
      top = r.start;
    }
    return top - length >= MMAP_MIN_ADDR ? top - length : null;
  }

  write(address, bytes) {
    const end = address + bytes.length;
    if (!this.regions.some((r) => r.start <= address && end <= r.end)) throw new ContractError(`write of ${bytes.length} bytes at 0x${address.toString(16)}: not mapped`);
    space.set(bytes, address);
  }
}

const word = (n) => Number.isInteger(n) && n >= 0 && n < FOUR_GIB;

/** What mapImage returns must describe what it mapped. */
function checkImage(image, maps) {
  const { start, end, entry, phdr, brk, bias } = image;
  if (!word(start) || !Number.isInteger(end) || end > FOUR_GIB || start >= end || start % PAGE !== 0) {
    throw new ContractError(`image span 0x${start.toString(16)}-0x${end.toString(16)}`);
  }
  if (!word(entry) || !word(phdr) || !Number.isInteger(bias) || brk !== end) throw new ContractError(`image entry ${entry}, phdr ${phdr}, bias ${bias}, brk ${brk}`);
  for (const m of maps) {
    if (m.start < start || m.end > end) throw new ContractError(`segment map 0x${m.start.toString(16)}-0x${m.end.toString(16)} outside the image`);
  }
}

const pageDown = (a) => a - (a % PAGE);
const pageUp = (a) => Math.ceil(a / PAGE) * PAGE;

/**
 * Each loaded segment must hold its file bytes, and the rest of its last file
 * page must be zero (the kernel's padzero). Segments sharing a page with
 * another one are skipped: the later mapping legitimately replaces the page.
 */
function checkContents(elf, image, maps) {
  const loads = elf.segments.filter((s) => s.type === 1 && s.memsz > 0);
  const pages = (s) => [pageDown(s.vaddr + image.bias), pageUp(s.vaddr + s.memsz + image.bias)];
  for (const [i, s] of loads.entries()) {
    const [lo, hi] = pages(s);
    if (loads.some((t, j) => j !== i && pages(t)[0] < hi && lo < pages(t)[1])) continue;
    const at = s.vaddr + image.bias;
    const file = elf.reader.bytes.subarray(s.offset, s.offset + s.filesz);
    if (s.filesz > 0 && Buffer.compare(space.subarray(at, at + s.filesz), file) !== 0) {
      throw new ContractError(`segment at 0x${s.vaddr.toString(16)} does not hold its file bytes`);
    }
    const map = maps.find((m) => m.start <= at && at < m.end);
    const tailEnd = Math.min(at + s.memsz, pageUp(at + s.filesz));
    if (map?.zeroed && space.subarray(at + s.filesz, tailEnd).some((b) => b !== 0)) {
      throw new ContractError(`segment at 0x${s.vaddr.toString(16)}: bytes after p_filesz are not zero`);
    }
  }
}

const interpreter = workerData.interpreter;
const startupOptions = {
  argv: ['prog'],
  envp: ['A=1'],
  execPath: '/prog',
  readFile(guestPath) {
    if (guestPath === interpreter.path) return interpreter.bytes;
    throw Object.assign(new Error(`ENOENT: ${guestPath}`), { code: 'ENOENT' });
  },
  ids: { uid: 1000, euid: 1000, gid: 1000, egid: 1000 },
  random: new Uint8Array(16),
  stackTop: STACK_TOP,
  stackSize: STACK_SIZE,
};

function outcome(step, error) {
  if (error instanceof ElfError) return { step, outcome: 'elf-error', file: error.file, message: error.message };
  return { step, outcome: 'other', name: error?.constructor?.name ?? typeof error, message: String(error?.message ?? error), stack: String(error?.stack ?? '') };
}

function probe(bytes, path) {
  const results = [];
  const step = (name, fn) => {
    try {
      fn();
      results.push({ step: name, outcome: 'ok' });
      return true;
    } catch (e) {
      results.push(outcome(name, e));
      return false;
    }
  };
  let elf;
  if (!step('parseElf', () => { elf = parseElf(bytes, path); })) return results;
  step('staticSymbols', () => staticSymbols(elf));
  step('dynamicSymbols', () => dynamicSymbols(elf));
  step('readDynamic', () => readDynamic(elf));
  step('allRelocations', () => allRelocations(elf));
  step('buildId', () => buildId(elf));
  step('mapImage', () => {
    const mem = new FakeMemory();
    const image = mapImage(elf, mem, PIE_BASE);
    checkImage(image, mem.maps);
    checkContents(elf, image, mem.maps);
  });
  step('startProgram', () => {
    const plan = startProgram(elf, startupOptions, new FakeMemory());
    if (!word(plan.entry) || !word(plan.sp)) throw new ContractError(`start-up entry ${plan.entry}, sp ${plan.sp}`);
  });
  return results;
}

parentPort.on('message', ({ id, path, buffer }) => {
  const started = performance.now();
  const results = probe(new Uint8Array(buffer), path);
  parentPort.postMessage({ id, results, ms: performance.now() - started });
});
parentPort.postMessage({ ready: true });
