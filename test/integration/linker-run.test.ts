// Linked code runs: the objects are linked into the host under dsu and
// their functions called inside the guest with the patcher's guest-call
// mechanism (the linker itself runs no guest code). The answers depend on
// every kind of relocation being right: GOT slots for the host's data and
// functions, PLT slots, the object's own data, text relocations (textrel.so),
// packed relative relocations (relr.so), and a second object bound to the
// first. Expected values come from the C sources and the host's memory.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fs from 'node:fs';
import { LinkHost, linktestObject, startLinkHost } from '../helpers/link-host.js';
import { applyLink, planLink, unlink, LinkedObject, LinkOptions } from '../../loader/link/index.js';
import { callGuest } from '../../patcher/mechanism/guest-call.js';

let host: LinkHost;

beforeAll(async () => {
  host = await startLinkHost();
  host.session.runner.hold();
});

afterAll(async () => {
  host.session.runner.release();
  expect(await host.quit()).toEqual({ code: 42 });
});

async function call(address: number, ...args: number[]): Promise<number> {
  const r = await callGuest(host.session, address, args, 5000);
  if (!r.ok) throw new Error(`guest call at 0x${address.toString(16)}: ${r.reason}`);
  return r.value;
}

async function link(name: string, options: LinkOptions = {}): Promise<LinkedObject> {
  const file = linktestObject(name);
  return applyLink(planLink(fs.readFileSync(file), file, host.target(), {
    ...options,
    runInitializers: async (addresses) => {
      for (const a of addresses) await call(a);
    },
  }));
}

const fn = (linked: LinkedObject, name: string): number => {
  const d = linked.exports.get(name);
  if (!d) throw new Error(`${name} not exported by ${linked.name}`);
  return d.address;
};

for (const name of ['basic.so', 'textrel.so', 'relr.so']) {
  describe(`${name} runs in the guest`, () => {
    let linked: LinkedObject;
    beforeAll(async () => {
      linked = await link(name);
    });
    afterAll(() => unlink(linked));

    test('its constructor ran once', () => {
      expect(host.u32(fn(linked, 'patch_init_runs'))).toBe(1);
    });

    test('it calls and reads the host, and reads its own data', async () => {
      const hostValue = host.u32(host.address('host_value'));
      expect(hostValue).toBe(42);
      // host_add(2, 3) + host_value + patch_data
      expect(await call(fn(linked, 'patch_add'), 2, 3)).toBe(5 + 42 + 5);
      // through its own PLT slot for patch_add
      expect(await call(fn(linked, 'patch_twice'), 4)).toBe(8 + 42 + 5);
      // host_array[2] + local_state++
      expect(await call(fn(linked, 'patch_read'))).toBe(30 + 3);
      expect(await call(fn(linked, 'patch_read'))).toBe(30 + 4);
    });

    test('it writes the host\'s data', async () => {
      await call(fn(linked, 'patch_store'), 7);
      expect(host.u32(host.address('host_value'))).toBe(7);
      await call(fn(linked, 'patch_store'), 42);
      expect(host.u32(host.address('host_value'))).toBe(42);
    });

    test('its pointers were relocated: patch_fn is host_add, patch_msg its string', async () => {
      expect(await call(host.u32(fn(linked, 'patch_fn')), 20, 22)).toBe(42);
      const msg = host.u32(fn(linked, 'patch_msg'));
      expect(Buffer.from(host.session.proc.space.memory.bytes.subarray(msg, msg + 8)).toString('latin1')).toBe('patched\0');
    });
  });
}

test('a second object calls into the first', async () => {
  const first = await link('basic.so');
  try {
    const second = await link('second.so');
    try {
      // patch_add(patch_data, 1) with patch_data = 5
      expect(await call(fn(second, 'second_value'))).toBe(6 + 42 + 5);
    } finally {
      unlink(second);
    }
  } finally {
    unlink(first);
  }
});

test('an object reads and calls the running program\'s statics', async () => {
  const linked = await link('old.so');
  try {
    const word = (name: string, file: string): number => host.u32(host.address(name, file));
    const expected = word('hits', 'host-main.c') + word('counter', 'host-a.c') + word('counter', 'host-b.c')
      + host.u32(host.address('host_value')) + word('calls.0', 'host-main.c') + word('hits', 'host-main.c');
    expect(await call(fn(linked, 'old_sum'))).toBe(expected);
    const hits = word('hits', 'host-main.c');
    const counterB = word('counter', 'host-b.c');
    // bump_hits() (a static function) + b_tick()
    expect(await call(fn(linked, 'old_call'))).toBe(hits + 1 + counterB + 2);
    expect(word('hits', 'host-main.c')).toBe(hits + 1);
  } finally {
    unlink(linked);
  }
});

test('IFUNC resolvers run in the guest pick libc\'s string functions', async () => {
  const resolved: number[] = [];
  const linked = await link('ifunc.so', {
    resolveIfunc: async (resolver) => {
      const chosen = await call(resolver);
      resolved.push(chosen);
      return chosen;
    },
  });
  try {
    expect(resolved.length).toBe(2);
    // strlen through its PLT slot, on the host's "host"
    expect(await call(fn(linked, 'patch_len'), host.address('host_name'))).toBe(4);
    // memcpy through the pointer patch_copy: copy host_array[0] over host_array[3], and back
    const array = host.address('host_array');
    expect(await call(host.u32(fn(linked, 'patch_copy')), array + 12, array, 4)).toBe(array + 12);
    expect(host.u32(array + 12)).toBe(10);
    host.session.proc.space.memory.view.setUint32(array + 12, 40, true);
  } finally {
    unlink(linked);
  }
});
