// The i386 registers as gdb numbers them (its i386 Linux target: the core
// feature, x87, SSE and orig_eax), each with its size in the `g` packet and
// where dsu keeps it. The target description XML is made from this same
// table, so the numbering gdb reads and the one the stub serves agree.
import { Reg } from '../emulator/engine/unicorn-consts.js';

/** Where a register's value lives: the engine (Unicorn id), the thread's resume address, or nowhere dsu tracks. */
type RegisterSource = { kind: 'engine'; id: number } | { kind: 'eip' } | { kind: 'unavailable' };

export interface RegisterDef {
  name: string;
  bytes: number;
  type: string;
  feature: 'core' | 'sse' | 'linux';
  source: RegisterSource;
}

const engine = (id: number): RegisterSource => ({ kind: 'engine', id });
const UNAVAILABLE: RegisterSource = { kind: 'unavailable' };

function core(name: string, source: RegisterSource, type = 'int32', bytes = 4): RegisterDef {
  return { name, bytes, type, feature: 'core', source };
}

export const REGISTERS: readonly RegisterDef[] = [
  core('eax', engine(Reg.EAX)), core('ecx', engine(Reg.ECX)), core('edx', engine(Reg.EDX)), core('ebx', engine(Reg.EBX)),
  core('esp', engine(Reg.ESP), 'data_ptr'), core('ebp', engine(Reg.EBP), 'data_ptr'),
  core('esi', engine(Reg.ESI)), core('edi', engine(Reg.EDI)),
  core('eip', { kind: 'eip' }, 'code_ptr'), core('eflags', engine(Reg.EFLAGS), 'i386_eflags'),
  core('cs', engine(Reg.CS)), core('ss', engine(Reg.SS)), core('ds', engine(Reg.DS)),
  core('es', engine(Reg.ES)), core('fs', engine(Reg.FS)), core('gs', engine(Reg.GS)),
  ...Array.from({ length: 8 }, (_, i) => core(`st${i}`, engine(Reg.ST0 + i), 'i387_ext', 10)),
  core('fctrl', engine(Reg.FPCW)), core('fstat', engine(Reg.FPSW)), core('ftag', engine(Reg.FPTAG)),
  // the last x87 instruction and operand pointers: the engine does not expose them
  core('fiseg', UNAVAILABLE), core('fioff', UNAVAILABLE), core('foseg', UNAVAILABLE), core('fooff', UNAVAILABLE), core('fop', UNAVAILABLE),
  ...Array.from({ length: 8 }, (_, i): RegisterDef => ({ name: `xmm${i}`, bytes: 16, type: 'vec128', feature: 'sse', source: engine(Reg.XMM0 + i) })),
  { name: 'mxcsr', bytes: 4, type: 'i386_mxcsr', feature: 'sse', source: engine(Reg.MXCSR) },
  // the syscall number a restarted call re-runs with; dsu restarts calls itself
  { name: 'orig_eax', bytes: 4, type: 'int', feature: 'linux', source: UNAVAILABLE },
];

const FEATURE_NAMES = { core: 'org.gnu.gdb.i386.core', sse: 'org.gnu.gdb.i386.sse', linux: 'org.gnu.gdb.i386.linux' } as const;

/** Type definitions each feature needs besides gdb's predefined ones. */
const FEATURE_TYPES: Record<RegisterDef['feature'], string> = {
  core: `<flags id="i386_eflags" size="4">
  <field name="CF" start="0" end="0"/><field name="" start="1" end="1"/><field name="PF" start="2" end="2"/>
  <field name="AF" start="4" end="4"/><field name="ZF" start="6" end="6"/><field name="SF" start="7" end="7"/>
  <field name="TF" start="8" end="8"/><field name="IF" start="9" end="9"/><field name="DF" start="10" end="10"/>
  <field name="OF" start="11" end="11"/><field name="NT" start="14" end="14"/><field name="RF" start="16" end="16"/>
  <field name="VM" start="17" end="17"/><field name="AC" start="18" end="18"/><field name="VIF" start="19" end="19"/>
  <field name="VIP" start="20" end="20"/><field name="ID" start="21" end="21"/>
</flags>`,
  sse: `<vector id="v4f" type="ieee_single" count="4"/><vector id="v2d" type="ieee_double" count="2"/>
<vector id="v16i8" type="int8" count="16"/><vector id="v8i16" type="int16" count="8"/>
<vector id="v4i32" type="int32" count="4"/><vector id="v2i64" type="int64" count="2"/>
<union id="vec128"><field name="v4_float" type="v4f"/><field name="v2_double" type="v2d"/>
  <field name="v16_int8" type="v16i8"/><field name="v8_int16" type="v8i16"/><field name="v4_int32" type="v4i32"/>
  <field name="v2_int64" type="v2i64"/><field name="uint128" type="uint128"/></union>
<flags id="i386_mxcsr" size="4">
  <field name="IE" start="0" end="0"/><field name="DE" start="1" end="1"/><field name="ZE" start="2" end="2"/>
  <field name="OE" start="3" end="3"/><field name="UE" start="4" end="4"/><field name="PE" start="5" end="5"/>
  <field name="DAZ" start="6" end="6"/><field name="IM" start="7" end="7"/><field name="DM" start="8" end="8"/>
  <field name="ZM" start="9" end="9"/><field name="OM" start="10" end="10"/><field name="UM" start="11" end="11"/>
  <field name="PM" start="12" end="12"/><field name="FZ" start="15" end="15"/>
</flags>`,
  linux: '',
};

/** The `target.xml` gdb reads with qXfer:features:read: architecture, OS ABI and every register above. */
export function targetDescription(): string {
  const parts = ['<?xml version="1.0"?>', '<!DOCTYPE target SYSTEM "gdb-target.dtd">', '<target version="1.0">',
    '<architecture>i386</architecture>', '<osabi>GNU/Linux</osabi>'];
  for (const feature of ['core', 'sse', 'linux'] as const) {
    parts.push(`<feature name="${FEATURE_NAMES[feature]}">`);
    if (FEATURE_TYPES[feature]) parts.push(FEATURE_TYPES[feature]);
    REGISTERS.forEach((r, regnum) => {
      if (r.feature !== feature) return;
      const group = r.feature === 'linux' ? ' group="system"' : '';
      parts.push(`<reg name="${r.name}" bitsize="${r.bytes * 8}" type="${r.type}" regnum="${regnum}"${group}/>`);
    });
    parts.push('</feature>');
  }
  parts.push('</target>');
  return parts.join('\n');
}
