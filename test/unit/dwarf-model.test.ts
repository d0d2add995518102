// The DWARF reader's pure parts on hand-made input: LEB128 and bounds,
// compressed sections, layout comparison and C declarations.
import zlib from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { Cursor } from '../../loader/dwarf/cursor.js';
import { DwarfError } from '../../loader/dwarf/errors.js';
import { inflateElf } from '../../loader/dwarf/sections.js';
import { compareLayouts, declaration, definition, type DwarfType, type Member } from '../../loader/dwarf/index.js';

const cursor = (...bytes: number[]): Cursor => new Cursor(Uint8Array.from(bytes), 'test', '.debug_info');

describe('cursor', () => {
  test('LEB128 as the standard\'s examples give it', () => {
    expect(cursor(2).uleb()).toBe(2);
    expect(cursor(0x7f).uleb()).toBe(127);
    expect(cursor(0x80, 1).uleb()).toBe(128);
    expect(cursor(0xb9, 0x64).uleb()).toBe(12857);
    expect(cursor(0x7e).sleb()).toBe(-2);
    expect(cursor(0xff, 0).sleb()).toBe(127);
    expect(cursor(0x81, 0x7f).sleb()).toBe(-127);
    expect(cursor(0x80, 0x7f).sleb()).toBe(-128);
    expect(cursor(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01).uleb()).toBe(2n ** 64n - 1n);
  });

  test('reads past the end, endless LEB128 and bad lengths are DwarfErrors naming the offset', () => {
    expect(() => cursor(1, 2).u32()).toThrow(DwarfError);
    expect(() => cursor(0x80, 0x80).uleb()).toThrow(/truncated/);
    expect(() => cursor(...new Array(11).fill(0x80), 0).uleb()).toThrow(/longer than 10 bytes/);
    expect(() => cursor(0x10, 0, 0, 0).initialLength()).toThrow(/runs past the section end/);
    expect(() => cursor(0xf0, 0xff, 0xff, 0xff).initialLength()).toThrow(/reserved unit length/);
    expect(() => cursor(0x41, 0x42).cstring()).toThrow(/unterminated/);
    expect(() => cursor(0x80).index('size')).toThrow(/at 0x1: truncated/);
  });
});

describe('compressed sections', () => {
  const chdr = (type: number, size: number): Uint8Array => {
    const h = new Uint8Array(12);
    new DataView(h.buffer).setUint32(0, type, true);
    new DataView(h.buffer).setUint32(4, size, true);
    return h;
  };
  const payload = Buffer.from('DWARF bytes '.repeat(100));
  const z = zlib.deflateSync(payload);

  test('SHF_COMPRESSED with zlib inflates to the declared size', () => {
    expect(Buffer.from(inflateElf('f', '.debug_info', Buffer.concat([chdr(1, payload.length), z])))).toEqual(payload);
  });

  test('a wrong size, a corrupt stream, zstd or a huge claim are refused', () => {
    expect(() => inflateElf('f', '.debug_info', Buffer.concat([chdr(1, payload.length + 1), z]))).toThrow(/inflates to 1200 bytes, the header says 1201/);
    expect(() => inflateElf('f', '.debug_info', Buffer.concat([chdr(1, 10), z]))).toThrow(DwarfError);
    expect(() => inflateElf('f', '.debug_info', Buffer.concat([chdr(1, payload.length), z.subarray(0, 20)]))).toThrow(/cannot inflate/);
    expect(() => inflateElf('f', '.debug_info', Buffer.concat([chdr(2, payload.length), z]))).toThrow(/zstd/);
    expect(() => inflateElf('f', '.debug_info', Buffer.concat([chdr(1, 0xfffffff0), z]))).toThrow(/limit/);
    expect(() => inflateElf('f', '.debug_info', chdr(1, 4).subarray(0, 8))).toThrow(/no header/);
  });
});

// hand-made types, as two different files would describe them
let offset = 0;
const t = (kind: DwarfType['kind'], fields: Partial<DwarfType>): DwarfType => ({ kind, name: null, size: null, file: 'f', offset: offset++, ...fields });
const int = t('base', { name: 'int', size: 4, encoding: 5 });
const uint = t('base', { name: 'unsigned int', size: 4, encoding: 7 });
const llong = t('base', { name: 'long long int', size: 8, encoding: 5 });
const char = t('base', { name: 'char', size: 1, encoding: 6 });
const float = t('base', { name: 'float', size: 4, encoding: 4 });
const ptr = (target: DwarfType): DwarfType => t('pointer', { size: 4, target });
const array = (target: DwarfType, n: number): DwarfType => t('array', { target, dims: [n], size: (target.size ?? 0) * n });
const member = (name: string, type: DwarfType, off: number, bits?: { bitSize: number; bitOffset: number }): Member => ({ name, type, offset: off, ...bits });
function struct(name: string, size: number, members: Member[]): DwarfType {
  return t('struct', { name, size, members });
}

describe('layout comparison', () => {
  const conn = struct('conn', 24, [member('fd', int, 0), member('name', array(char, 16), 4), member('next', int, 20)]);

  test('the same layout under other names and typedefs is no difference', () => {
    const renamed = struct('connection', 24, [member('fd', t('typedef', { name: 'fd_t', size: 4, target: int }), 0), member('name', array(char, 16), 4), member('next', t('const', { size: 4, target: int }), 20)]);
    expect(compareLayouts(conn, renamed)).toBeNull();
    expect(compareLayouts(int, uint)).toBeNull();
  });

  test('a member added in the middle is named with both sides', () => {
    const grown = struct('conn', 28, [member('fd', int, 0), member('flags', int, 4), member('name', array(char, 16), 8), member('next', int, 24)]);
    expect(compareLayouts(conn, grown)).toMatchObject({ path: '(member 2)', kind: 'member', a: 'char name[16] at offset 4', b: 'int flags at offset 4' });
  });

  test('a member added at the end', () => {
    const grown = struct('conn', 28, [...conn.members!, member('extra', int, 24)]);
    expect(compareLayouts(conn, grown)).toMatchObject({ path: 'extra', kind: 'member', a: 'no such member', b: 'int extra at offset 24' });
  });

  test('a member whose type grew moves the next one', () => {
    const wide = struct('conn', 28, [member('fd', llong, 0), member('name', array(char, 16), 8), member('next', int, 24)]);
    expect(compareLayouts(conn, wide)).toMatchObject({ path: 'fd', kind: 'size', a: 'int, 4 bytes', b: 'long long int, 8 bytes' });
    expect(compareLayouts(struct('s', 4, [member('x', int, 0)]), struct('s', 4, [member('x', float, 0)]))).toMatchObject({ path: 'x', kind: 'encoding' });
  });

  test('bit-fields, array counts, padding', () => {
    const a = struct('f', 4, [member('a', uint, 0, { bitSize: 3, bitOffset: 0 })]);
    const b = struct('f', 4, [member('a', uint, 0, { bitSize: 4, bitOffset: 0 })]);
    expect(compareLayouts(a, b)).toMatchObject({ path: 'a', kind: 'bit-field', a: '3 bits at bit 0', b: '4 bits at bit 0' });
    expect(compareLayouts(array(int, 4), array(int, 8))).toMatchObject({ kind: 'count', a: 'int [4]', b: 'int [8]' });
    expect(compareLayouts(struct('p', 8, [member('x', int, 0)]), struct('p', 4, [member('x', int, 0)]))).toMatchObject({ kind: 'size', a: '8 bytes', b: '4 bytes' });
  });

  test('through pointers, and cyclic lists terminate', () => {
    const nodeA = struct('node', 8, []);
    nodeA.members = [member('value', int, 0), member('next', ptr(nodeA), 4)];
    const nodeB = struct('node', 12, []);
    nodeB.members = [member('value', llong, 0), member('next', ptr(nodeB), 8)];
    const same = struct('node', 8, []);
    same.members = [member('value', int, 0), member('next', ptr(same), 4)];
    expect(compareLayouts(ptr(nodeA), ptr(same))).toBeNull();
    expect(compareLayouts(ptr(nodeA), ptr(nodeB))).toMatchObject({ path: '->value', kind: 'size' });
    expect(compareLayouts(ptr(nodeA), ptr(nodeB), { throughPointers: false })).toBeNull();
  });

  test('function signatures: parameter types by layout', () => {
    const f = (params: DwarfType[], returns = int): DwarfType => t('function', { returns, params, prototyped: true });
    expect(compareLayouts(f([int, ptr(char)]), f([uint, ptr(char)]))).toBeNull();
    expect(compareLayouts(f([int]), f([llong]))).toMatchObject({ path: '(parameter 1)', kind: 'size', a: 'int, 4 bytes', b: 'long long int, 8 bytes' });
    expect(compareLayouts(f([int]), f([int, int]))).toMatchObject({ kind: 'parameters', a: 'int (int)', b: 'int (int, int)' });
  });

  test('incomplete types are completed when the caller can, else not a difference', () => {
    const opaque = t('struct', { name: 'conn', declaration: true });
    expect(compareLayouts(ptr(opaque), ptr(conn))).toBeNull();
    const other = struct('conn', 28, [...conn.members!, member('x', int, 24)]);
    expect(compareLayouts(ptr(opaque), ptr(other), { completeA: () => conn })).toMatchObject({ path: '->x' });
  });
});

describe('C declarations', () => {
  test('declarators nest like C\'s', () => {
    const fn = t('function', { returns: int, params: [int, llong], prototyped: true });
    expect(declaration(ptr(fn), 'handler')).toBe('int (*handler)(int, long long int)');
    expect(declaration(array(ptr(char), 2), 'names')).toBe('char *names[2]');
    expect(declaration(ptr(array(int, 4)), 'row')).toBe('int (*row)[4]');
    expect(declaration(t('const', { size: 4, target: ptr(char) }), 'p')).toBe('char *const p');
    expect(declaration(ptr(t('const', { size: 1, target: char })), 's')).toBe('const char *s');
    expect(declaration(t('function', { returns: t('void', { name: 'void' }), params: [], prototyped: true }), 'f')).toBe('void f(void)');
    expect(declaration(t('function', { returns: int, params: [ptr(char)], variadic: true, prototyped: true }), 'log')).toBe('int log(char *, ...)');
  });

  test('a struct body lists members with offsets and bit-fields', () => {
    const s = struct('conn', 8, [member('fd', int, 0), member('flags', uint, 4, { bitSize: 3, bitOffset: 32 })]);
    expect(definition(s)).toBe('struct conn {  /* 8 bytes */\n    int fd;  /* offset 0, 4 bytes */\n    unsigned int flags : 3;  /* bit 32, 4 bytes */\n};');
    expect(definition(t('struct', { name: 'opaque', declaration: true }))).toBe('struct opaque;  /* incomplete */');
  });
});
