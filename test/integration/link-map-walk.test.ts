// The module model reads ld.so's r_debug/link_map from a running program's
// memory, which the program may have corrupted. Here a real program is
// stopped (in this process, through startSession) and its list is damaged
// in memory: a cycle, pointers into unmapped memory, an unreadable name, a
// list that is being changed. Each must give its own clear error at once,
// and the model must come back once the words are restored.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { BUILD } from '../helpers/run.js';
import { InProcessGuest, startInProcess } from '../helpers/in-process.js';
import { guestModuleCache, guestProgram } from '../../patcher/inspect/guest-program.js';
import { readProgramModules, ProgramView } from '../../loader/program/program-modules.js';
import { LinkMapBusyError, LinkMapEntry, LinkMapError, debugPointer, readLinkMap, readRDebug } from '../../loader/program/link-map.js';
import { LINK_MAP, R_DEBUG, RT_ADD, RT_DELETE } from '../../loader/program/link-map-abi.js';
import { readDynamic } from '../../loader/elf/dynamic.js';
import { writeSlot } from '../../patcher/got/slot-write.js';
import { parseElf } from '../../loader/elf/elf-file.js';
import type { RuntimeModule } from '../../loader/program/runtime-module.js';

const UNMAPPED = 0x1000;

describe('link_map walk over a damaged list', () => {
  let guest: InProcessGuest;
  let view: ProgramView;
  /** Objects dsu linked, as the patcher's program model lists them. */
  const linkedObjects: RuntimeModule[] = [];
  let rDebug: number;
  let entries: LinkMapEntry[];

  /** Overwrite one word (through the slot-write API), run `check`, put the word back. */
  function damaged(address: number, value: number, check: () => void): void {
    const { old } = writeSlot(guest.session.proc, address, value);
    try {
      check();
    } finally {
      writeSlot(guest.session.proc, address, old);
    }
  }

  /** The walk must fail fast, with `message`, through both the raw walk and the module model. */
  function fails(kind: typeof LinkMapError | typeof LinkMapBusyError, message: RegExp): void {
    const started = performance.now();
    expect(() => readLinkMap(view.memory, rDebug)).toThrow(kind);
    expect(() => readLinkMap(view.memory, rDebug)).toThrow(message);
    expect(() => readProgramModules(view)).toThrow(message);
    expect(performance.now() - started).toBeLessThan(1000);
  }

  beforeAll(async () => {
    guest = startInProcess(path.join(BUILD, 'programs', 'got_wait.dyn'));
    await guest.waitUntilBlockedAfter('ready');
    const proc = guest.session.proc;
    view = guestProgram(proc, guestModuleCache(proc), linkedObjects);
    const exe = proc.exe!;
    const dynamic = readDynamic(exe.elf)!.vaddr + exe.bias;
    rDebug = debugPointer(view.memory, dynamic, 64)!;
    entries = readLinkMap(view.memory, rDebug);
  });

  afterAll(async () => {
    const end = await guest.finish();
    expect(end.code).toBe(0);
    expect(end.output).toMatch(/^ready\nrand \d+\n$/);
  });

  test('the intact list: executable (empty l_name), libc, ld.so, in ld.so\'s order and with its r_debug', () => {
    expect(rDebug).toBeGreaterThan(0);
    const r = readRDebug(view.memory, rDebug);
    expect(r.map).toBe(entries[0].address);
    expect(r.ldbase).toBe(guest.session.proc.interp!.bias);
    // where libc is depends on the machine: /lib32 (gcc-multilib) or the i386 multiarch directory
    expect(entries.map((e) => e.name)).toEqual(['', expect.stringMatching(/^\/lib[^ ]*\/libc\.so\.6$/), '/lib/ld-linux.so.2']);
    expect(entries[0].bias).toBe(guest.session.proc.exe!.bias);
    const modules = readProgramModules(view);
    expect(modules.source).toBe('link_map');
    expect(modules.modules.map((m) => m.kind)).toEqual(['exe', 'lib', 'interp']);
  });

  test('a cycle back to the first entry', () => {
    damaged(entries[2].address + LINK_MAP.next, entries[0].address, () => fails(LinkMapError, /loops back to 0x[0-9a-f]+ after 3 entries/));
  });

  test('an entry that points at itself', () => {
    damaged(entries[1].address + LINK_MAP.next, entries[1].address, () => fails(LinkMapError, /loops back/));
  });

  test('l_next into unmapped memory', () => {
    damaged(entries[1].address + LINK_MAP.next, UNMAPPED, () => fails(LinkMapError, new RegExp(`l_addr of link_map entry 2 at 0x${UNMAPPED.toString(16)} is not readable`)));
  });

  test('r_map into unmapped memory', () => {
    damaged(rDebug + R_DEBUG.map, 0xfffffffc, () => fails(LinkMapError, /link_map entry 0 at 0xfffffffc is not readable/));
  });

  test('an unreadable l_name', () => {
    damaged(entries[1].address + LINK_MAP.name, UNMAPPED, () => fails(LinkMapError, /l_name of link_map entry 1 .* is not a readable string/));
  });

  test('an l_prev that does not point back', () => {
    damaged(entries[2].address + LINK_MAP.prev, entries[0].address, () => fails(LinkMapError, /l_prev of link_map entry 2/));
  });

  test('a list being changed (RT_ADD, RT_DELETE) is reported, not read', () => {
    damaged(rDebug + R_DEBUG.state, RT_ADD, () => fails(LinkMapBusyError, /adding objects .*RT_ADD/));
    damaged(rDebug + R_DEBUG.state, RT_DELETE, () => fails(LinkMapBusyError, /removing objects .*RT_DELETE/));
    damaged(rDebug + R_DEBUG.state, 77, () => fails(LinkMapError, /r_state 77/));
  });

  test('a corrupt r_version', () => {
    damaged(rDebug + R_DEBUG.version, 0, () => fails(LinkMapError, /r_version 0/));
  });

  test('objects dsu linked itself come last, from its own bookkeeping', () => {
    const proc = guest.session.proc;
    const file = path.join(BUILD, 'bench', 'libindirection.so');
    const data = guestModuleCache(proc).forElf(parseElf(fs.readFileSync(file), file));
    const linked: RuntimeModule = {
      path: file, name: 'libindirection.so', start: 0x70000000, end: 0x70004000, bias: 0x70000000, data,
      kind: 'linked', dynamic: 0x70002f00, buildId: null, order: 0,
    };
    linkedObjects.push(linked);
    try {
      const modules = readProgramModules(view).modules;
      expect(modules.map((m) => [m.name, m.kind, m.order])).toEqual([
        ['got_wait.dyn', 'exe', 0], ['libc.so.6', 'lib', 1], ['ld-linux.so.2', 'interp', 2], ['libindirection.so', 'linked', 3],
      ]);
    } finally {
      linkedObjects.pop();
    }
  });

  test('the model is whole again once the words are restored', () => {
    expect(readLinkMap(view.memory, rDebug)).toEqual(entries);
    expect(readProgramModules(view).modules.map((m) => m.name)).toEqual(['got_wait.dyn', 'libc.so.6', 'ld-linux.so.2']);
  });
});
