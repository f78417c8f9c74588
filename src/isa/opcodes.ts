// The single source of truth for the eBPF instruction set (RFC 9669).
//
// Every operation is one row of `OPS`. The decoder, encoder, field validation, both assembler
// syntaxes, the disassembler and the interpreter's dispatch (a switch on `OpSpec.id`) are all
// derived from these rows; adding an instruction means adding a row here.
//
// Encoding of one 8-byte slot (little-endian):
//   byte 0: opcode   byte 1: dst (low nibble) | src (high nibble)   bytes 2-3: s16 offset
//   bytes 4-7: s32 immediate. A 64-bit immediate load (lddw) uses a second slot for the high half.

export const CLS_LD = 0x00;
export const CLS_LDX = 0x01;
export const CLS_ST = 0x02;
export const CLS_STX = 0x03;
export const CLS_ALU = 0x04;
export const CLS_JMP = 0x05;
export const CLS_JMP32 = 0x06;
export const CLS_ALU64 = 0x07;

/** How a field is constrained by an operation. */
export type FieldRule =
  | 'reg' // a register number 0..10
  | 'zero' // unused: must be 0
  | 'any' // free value (immediate or offset)
  | { eq: number }; // fixed value that selects this operation among rows sharing the opcode

/** The semantic family, used by consumers that treat many rows alike (verifier, disassembler). */
export type OpKind =
  | 'alu' // binary ALU op, dst op= src|imm
  | 'neg'
  | 'mov'
  | 'movsx'
  | 'end' // le/be (ALU class) or bswap (ALU64 class)
  | 'ja' // unconditional jump, offset in `off`
  | 'ja32' // unconditional jump, offset in `imm`
  | 'jcond'
  | 'call_helper'
  | 'call_local'
  | 'call_kfunc'
  | 'callx'
  | 'exit'
  | 'lddw'
  | 'ld_abs'
  | 'ld_ind'
  | 'ldx'
  | 'ldxs'
  | 'st'
  | 'stx'
  | 'atomic';

export type Group = 'base32' | 'base64' | 'atomic32' | 'atomic64' | 'divmul32' | 'divmul64' | 'packet' | 'callx';

export interface OpSpec {
  /** Index in OPS; the interpreter's dispatch key. */
  readonly id: number;
  /** Unique name, e.g. `add64_imm`, `jeq32_reg`, `ldxw`, `atomic64_fetch_add`. */
  readonly name: string;
  readonly kind: OpKind;
  readonly opcode: number;
  readonly dst: FieldRule;
  readonly src: FieldRule;
  readonly off: FieldRule;
  readonly imm: FieldRule;
  /** Number of 8-byte slots (2 for lddw). */
  readonly slots: 1 | 2;
  /** Operation width in bits for ALU/JMP (32 or 64); access size in bytes for memory ops. */
  readonly width: 32 | 64;
  readonly size: 0 | 1 | 2 | 4 | 8;
  /** ALU/jump/atomic operator key (`add`, `sub`, `jeq`, `fetch_add`, ...). */
  readonly op: string;
  /** Source operand is a register (BPF_X) rather than the immediate (BPF_K). */
  readonly usesSrcReg: boolean;
  /** Mnemonic (conformance-suite) syntax: first template is canonical, the rest are aliases. */
  readonly mnemonic: readonly string[];
  /** LLVM/kernel pseudo-C syntax: first template is canonical, the rest are aliases. */
  readonly pseudo: readonly string[];
  /** Minimum ISA version (as the conformance runner's --cpu_version) and conformance group. */
  readonly cpu: 1 | 2 | 3 | 4;
  readonly group: Group;
}

// Template placeholders (see src/asm/template.ts for the matcher and renderer):
//   {rd} {rs}  register printed r<N> (pseudo) or %r<N> (mnemonic), only r accepted in pseudo
//   {wd} {ws}  register printed w<N>, only w accepted
//   {Rd} {Rs}  printed r<N>, r or w accepted;   {Wd} {Ws} printed w<N>, r or w accepted
//   {imm}      32-bit immediate;  {imm64} 64-bit immediate of lddw;  {imm2} second-slot imm
//   {md} {ms}  memory operand (dst or src register + off): `(r1 + 4)` / `[%r1+4]`
//   {mdi}      memory operand without parentheses: `r1 + 4` / `[%r1+4]`
//   {target}   jump target from off;  {target32} jump target from imm;  {call} call target from imm

type Draft = Omit<OpSpec, 'id'>;
const drafts: Draft[] = [];

function row(d: Partial<Draft> & Pick<Draft, 'name' | 'kind' | 'opcode' | 'mnemonic' | 'pseudo' | 'group'>): void {
  drafts.push({
    dst: 'reg',
    src: 'zero',
    off: 'zero',
    imm: 'zero',
    slots: 1,
    width: 64,
    size: 0,
    op: d.name,
    usesSrcReg: false,
    cpu: 1,
    ...d,
  });
}

// ---- ALU and ALU64 -------------------------------------------------------------------------

interface AluOp {
  op: string;
  code: number;
  /** pseudo-C compound assignment operator */
  c: string;
  off?: number;
  cpu?: 1 | 4;
  divmul?: boolean;
}

const ALU_BINARY: AluOp[] = [
  { op: 'add', code: 0x00, c: '+=' },
  { op: 'sub', code: 0x10, c: '-=' },
  { op: 'mul', code: 0x20, c: '*=', divmul: true },
  { op: 'div', code: 0x30, c: '/=', off: 0, divmul: true },
  { op: 'sdiv', code: 0x30, c: 's/=', off: 1, cpu: 4, divmul: true },
  { op: 'or', code: 0x40, c: '|=' },
  { op: 'and', code: 0x50, c: '&=' },
  { op: 'lsh', code: 0x60, c: '<<=' },
  { op: 'rsh', code: 0x70, c: '>>=' },
  { op: 'mod', code: 0x90, c: '%=', off: 0, divmul: true },
  { op: 'smod', code: 0x90, c: 's%=', off: 1, cpu: 4, divmul: true },
  { op: 'xor', code: 0xa0, c: '^=' },
  { op: 'arsh', code: 0xc0, c: 's>>=' },
];

for (const cls of [CLS_ALU, CLS_ALU64] as const) {
  const is64 = cls === CLS_ALU64;
  const w = is64 ? 64 : 32;
  const sfx = is64 ? '' : '32';
  const D = is64 ? '{rd}' : '{wd}';
  const S = is64 ? '{rs}' : '{ws}';
  const base: Group = is64 ? 'base64' : 'base32';
  for (const a of ALU_BINARY) {
    const group: Group = a.divmul ? (is64 ? 'divmul64' : 'divmul32') : base;
    const off: FieldRule = a.off === undefined ? 'zero' : { eq: a.off };
    row({
      name: `${a.op}${w}_imm`, kind: 'alu', op: a.op, opcode: cls | a.code | 0x00, width: w, off, imm: 'any',
      mnemonic: [`${a.op}${sfx} {rd}, {imm}`], pseudo: [`${D} ${a.c} {imm}`], cpu: a.cpu ?? 1, group,
    });
    row({
      name: `${a.op}${w}_reg`, kind: 'alu', op: a.op, opcode: cls | a.code | 0x08, width: w, off, src: 'reg',
      usesSrcReg: true, mnemonic: [`${a.op}${sfx} {rd}, {rs}`], pseudo: [`${D} ${a.c} ${S}`], cpu: a.cpu ?? 1, group,
    });
  }
  // neg has no source operand; the conformance runner counts 64-bit neg as base32.
  row({
    name: `neg${w}`, kind: 'neg', op: 'neg', opcode: cls | 0x80, width: w,
    mnemonic: [`neg${sfx} {rd}`], pseudo: [`${D} = -${D}`], group: 'base32',
  });
  row({
    name: `mov${w}_imm`, kind: 'mov', op: 'mov', opcode: cls | 0xb0, width: w, imm: 'any',
    mnemonic: [`mov${sfx} {rd}, {imm}`], pseudo: [`${D} = {imm}`], group: base,
  });
  row({
    name: `mov${w}_reg`, kind: 'mov', op: 'mov', opcode: cls | 0xb8, width: w, src: 'reg', off: { eq: 0 },
    usesSrcReg: true, mnemonic: [`mov${sfx} {rd}, {rs}`], pseudo: [`${D} = ${S}`], group: base,
  });
  // Sign-extending moves (v4): offset holds the source width; ALU32 allows 8 and 16 only.
  for (const bits of is64 ? [8, 16, 32] : [8, 16]) {
    row({
      name: `movsx${bits}_${w}`, kind: 'movsx', op: `movsx${bits}`, opcode: cls | 0xb8, width: w, src: 'reg',
      off: { eq: bits }, usesSrcReg: true, size: (bits / 8) as 1 | 2 | 4,
      mnemonic: [`movsx${bits}${w} {rd}, {rs}`], pseudo: [`${D} = (s${bits})${S}`], cpu: 4, group: base,
    });
  }
}

// Byte order: ALU class le (K) / be (X), ALU64 class bswap (v4). imm selects the width.
for (const bits of [16, 32, 64] as const) {
  row({
    name: `le${bits}`, kind: 'end', op: 'le', opcode: CLS_ALU | 0xd0, imm: { eq: bits }, width: 32,
    size: (bits / 8) as 2 | 4 | 8, mnemonic: [`le${bits} {rd}`], pseudo: [`{rd} = le${bits} {rd}`], group: 'base32',
  });
  row({
    name: `be${bits}`, kind: 'end', op: 'be', opcode: CLS_ALU | 0xd8, imm: { eq: bits }, width: 32,
    size: (bits / 8) as 2 | 4 | 8, mnemonic: [`be${bits} {rd}`], pseudo: [`{rd} = be${bits} {rd}`], group: 'base32',
  });
  row({
    name: `bswap${bits}`, kind: 'end', op: 'bswap', opcode: CLS_ALU64 | 0xd0, imm: { eq: bits }, width: 64,
    size: (bits / 8) as 2 | 4 | 8, mnemonic: [`bswap${bits} {rd}`, `swap${bits} {rd}`],
    pseudo: [`{rd} = bswap${bits} {rd}`], cpu: 4, group: 'base32',
  });
}

// ---- JMP and JMP32 -------------------------------------------------------------------------

interface JmpOp {
  op: string;
  code: number;
  c: string;
  cpu64: 1 | 2;
}
const JMP_COND: JmpOp[] = [
  { op: 'jeq', code: 0x10, c: '==', cpu64: 1 },
  { op: 'jgt', code: 0x20, c: '>', cpu64: 1 },
  { op: 'jge', code: 0x30, c: '>=', cpu64: 1 },
  { op: 'jset', code: 0x40, c: '&', cpu64: 1 },
  { op: 'jne', code: 0x50, c: '!=', cpu64: 1 },
  { op: 'jsgt', code: 0x60, c: 's>', cpu64: 1 },
  { op: 'jsge', code: 0x70, c: 's>=', cpu64: 1 },
  { op: 'jlt', code: 0xa0, c: '<', cpu64: 2 },
  { op: 'jle', code: 0xb0, c: '<=', cpu64: 2 },
  { op: 'jslt', code: 0xc0, c: 's<', cpu64: 2 },
  { op: 'jsle', code: 0xd0, c: 's<=', cpu64: 2 },
];

row({
  name: 'ja', kind: 'ja', opcode: CLS_JMP | 0x00, dst: 'zero', off: 'any',
  mnemonic: ['ja {target}'], pseudo: ['goto {target}'], group: 'base32',
});
row({
  name: 'ja32', kind: 'ja32', opcode: CLS_JMP32 | 0x00, dst: 'zero', imm: 'any',
  mnemonic: ['ja32 {target32}'], pseudo: ['gotol {target32}'], cpu: 4, group: 'base32',
});
for (const cls of [CLS_JMP, CLS_JMP32] as const) {
  const is64 = cls === CLS_JMP;
  const w = is64 ? 64 : 32;
  const sfx = is64 ? '' : '32';
  const D = is64 ? '{rd}' : '{wd}';
  const S = is64 ? '{rs}' : '{ws}';
  for (const j of JMP_COND) {
    const cpu = is64 ? j.cpu64 : 3;
    const group: Group = is64 ? 'base64' : 'base32';
    row({
      name: `${j.op}${w}_imm`, kind: 'jcond', op: j.op, opcode: cls | j.code, width: w, off: 'any', imm: 'any',
      mnemonic: [`${j.op}${sfx} {rd}, {imm}, {target}`], pseudo: [`if ${D} ${j.c} {imm} goto {target}`], cpu, group,
    });
    row({
      name: `${j.op}${w}_reg`, kind: 'jcond', op: j.op, opcode: cls | j.code | 0x08, width: w, off: 'any', src: 'reg',
      usesSrcReg: true, mnemonic: [`${j.op}${sfx} {rd}, {rs}, {target}`], pseudo: [`if ${D} ${j.c} ${S} goto {target}`],
      cpu, group,
    });
  }
}

row({
  name: 'call', kind: 'call_helper', op: 'call', opcode: 0x85, dst: 'zero', src: { eq: 0 }, imm: 'any',
  mnemonic: ['call {imm}', 'call helper {imm}'], pseudo: ['call {imm}'], group: 'base32',
});
row({
  name: 'call_local', kind: 'call_local', op: 'call', opcode: 0x85, dst: 'zero', src: { eq: 1 }, imm: 'any',
  mnemonic: ['call local {call}'], pseudo: ['call {call}'], cpu: 3, group: 'base32',
});
row({
  name: 'call_kfunc', kind: 'call_kfunc', op: 'call', opcode: 0x85, dst: 'zero', src: { eq: 2 }, imm: 'any',
  mnemonic: ['call runtime {imm}'], pseudo: ['call kfunc {imm}'], cpu: 3, group: 'base32',
});
// callx: the target register is in dst (as LLVM encodes it and the conformance suite expects).
row({
  name: 'callx', kind: 'callx', op: 'callx', opcode: 0x8d, mnemonic: ['call {rd}', 'call helper {rd}'],
  pseudo: ['callx {rd}'], cpu: 3, group: 'callx',
});
row({
  name: 'exit', kind: 'exit', opcode: 0x95, dst: 'zero', mnemonic: ['exit'], pseudo: ['exit'], group: 'base32',
});

// ---- Loads and stores ------------------------------------------------------------------------

// 64-bit immediate load and its pseudo forms (src selects the meaning of the immediates).
const LDDW_FORMS: { src: number; name: string; m: string; p: string }[] = [
  { src: 0, name: 'lddw', m: 'lddw {rd}, {imm64}', p: '{rd} = {imm64} ll' },
  { src: 1, name: 'lddw_map_fd', m: 'lddw {rd}, map_fd({imm})', p: '{rd} = map_fd({imm}) ll' },
  { src: 2, name: 'lddw_map_value', m: 'lddw {rd}, map_value({imm}, {imm2})', p: '{rd} = map_value({imm}, {imm2}) ll' },
  { src: 3, name: 'lddw_btf_var', m: 'lddw {rd}, btf_var({imm}, {imm2})', p: '{rd} = btf_var({imm}, {imm2}) ll' },
  { src: 4, name: 'lddw_func', m: 'lddw {rd}, func({call})', p: '{rd} = func({call}) ll' },
  { src: 5, name: 'lddw_map_idx', m: 'lddw {rd}, map_idx({imm})', p: '{rd} = map_idx({imm}) ll' },
  { src: 6, name: 'lddw_map_idx_value', m: 'lddw {rd}, map_idx_value({imm}, {imm2})', p: '{rd} = map_idx_value({imm}, {imm2}) ll' },
];
for (const f of LDDW_FORMS) {
  row({
    name: f.name, kind: 'lddw', op: 'lddw', opcode: 0x18, src: { eq: f.src }, imm: 'any', slots: 2, size: 8,
    mnemonic: [f.m], pseudo: [f.p], group: 'base64',
  });
}

const SIZES: { s: 'b' | 'h' | 'w' | 'dw'; bytes: 1 | 2 | 4 | 8; code: number; c: string }[] = [
  { s: 'w', bytes: 4, code: 0x00, c: '32' },
  { s: 'h', bytes: 2, code: 0x08, c: '16' },
  { s: 'b', bytes: 1, code: 0x10, c: '8' },
  { s: 'dw', bytes: 8, code: 0x18, c: '64' },
];

for (const z of SIZES) {
  const group: Group = z.bytes === 8 ? 'base64' : 'base32';
  // Legacy packet loads: implicit r0 destination, packet from the context in r6. LD_ABS/IND with
  // the dw size exists in the encoding space but not in the ISA, so it gets no row.
  if (z.bytes !== 8) {
    row({
      name: `ldabs${z.s}`, kind: 'ld_abs', op: 'ldabs', opcode: CLS_LD | 0x20 | z.code, dst: 'zero', imm: 'any',
      size: z.bytes, mnemonic: [`ldabs${z.s} {imm}`], pseudo: [`r0 = *(u${z.c} *)skb[{imm}]`], group: 'packet',
    });
    row({
      name: `ldind${z.s}`, kind: 'ld_ind', op: 'ldind', opcode: CLS_LD | 0x40 | z.code, dst: 'zero', src: 'reg',
      imm: 'any', size: z.bytes, usesSrcReg: true, mnemonic: [`ldind${z.s} {rs}, {imm}`],
      pseudo: [`r0 = *(u${z.c} *)skb[{rs} + {imm}]`, `r0 = *(u${z.c} *)skb[{rs}]`], group: 'packet',
    });
  }
  row({
    name: `ldx${z.s}`, kind: 'ldx', op: 'ldx', opcode: CLS_LDX | 0x60 | z.code, src: 'reg', off: 'any', size: z.bytes,
    usesSrcReg: true, mnemonic: [`ldx${z.s} {rd}, {ms}`], pseudo: [`{Rd} = *(u${z.c} *){ms}`], group,
  });
  if (z.bytes !== 8) {
    row({
      name: `ldxs${z.s}`, kind: 'ldxs', op: 'ldxs', opcode: CLS_LDX | 0x80 | z.code, src: 'reg', off: 'any',
      size: z.bytes, usesSrcReg: true, mnemonic: [`ldxs${z.s} {rd}, {ms}`], pseudo: [`{rd} = *(s${z.c} *){ms}`],
      cpu: 4, group,
    });
  }
  row({
    name: `st${z.s}`, kind: 'st', op: 'st', opcode: CLS_ST | 0x60 | z.code, off: 'any', imm: 'any', size: z.bytes,
    mnemonic: [`st${z.s} {md}, {imm}`], pseudo: [`*(u${z.c} *){md} = {imm}`], group,
  });
  row({
    name: `stx${z.s}`, kind: 'stx', op: 'stx', opcode: CLS_STX | 0x60 | z.code, off: 'any', src: 'reg', size: z.bytes,
    usesSrcReg: true, mnemonic: [`stx${z.s} {md}, {rs}`], pseudo: [`*(u${z.c} *){md} = {Rs}`], group,
  });
}

// Atomics: STX class, mode 0xc0; imm selects the operation (|0x01 = fetch the old value into src).
interface AtomicOp {
  op: string;
  imm: number;
  c?: string;
}
const ATOMIC_OPS: AtomicOp[] = [
  { op: 'add', imm: 0x00, c: '+=' },
  { op: 'or', imm: 0x40, c: '|=' },
  { op: 'and', imm: 0x50, c: '&=' },
  { op: 'xor', imm: 0xa0, c: '^=' },
];
for (const is64 of [false, true]) {
  const bytes: 4 | 8 = is64 ? 8 : 4;
  const w: 32 | 64 = is64 ? 64 : 32;
  const sfx = is64 ? '' : '32';
  const opcode = CLS_STX | 0xc0 | (is64 ? 0x18 : 0x00);
  const S = is64 ? '{Rs}' : '{Ws}';
  const R0 = is64 ? 'r0' : 'w0';
  const ty = `u${w}`;
  // Aliases in the kernel verifier log's spelling: `r1 = atomic64_xchg((u64 *)(r2 +0), r1)`.
  const kernel = is64 ? 'atomic64' : 'atomic';
  const group: Group = is64 ? 'atomic64' : 'atomic32';
  const common = { kind: 'atomic' as const, opcode, off: 'any' as const, src: 'reg' as const, size: bytes, width: w,
    usesSrcReg: true, cpu: 3 as const, group };
  for (const a of ATOMIC_OPS) {
    row({
      ...common, name: `atomic${w}_${a.op}`, op: a.op, imm: { eq: a.imm },
      mnemonic: [`lock ${a.op}${sfx} {md}, {rs}`], pseudo: [`lock *(${ty} *){md} ${a.c} ${S}`],
    });
    row({
      ...common, name: `atomic${w}_fetch_${a.op}`, op: `fetch_${a.op}`, imm: { eq: a.imm | 0x01 },
      mnemonic: [`lock fetch ${a.op}${sfx} {md}, {rs}`],
      pseudo: [`${S} = atomic_fetch_${a.op}((${ty} *){md}, ${S})`,
        ...(is64 ? [`${S} = ${kernel}_fetch_${a.op}((${ty} *){md}, ${S})`] : [])],
    });
  }
  row({
    ...common, name: `atomic${w}_xchg`, op: 'xchg', imm: { eq: 0xe1 },
    mnemonic: [`lock xchg${sfx} {md}, {rs}`],
    pseudo: [`${S} = xchg${is64 ? '' : '32'}_${w}({mdi}, ${S})`, `${S} = ${kernel}_xchg((${ty} *){md}, ${S})`],
  });
  row({
    ...common, name: `atomic${w}_cmpxchg`, op: 'cmpxchg', imm: { eq: 0xf1 },
    mnemonic: [`lock cmpxchg${sfx} {md}, {rs}`],
    pseudo: [`${R0} = cmpxchg${is64 ? '' : '32'}_${w}({mdi}, ${R0}, ${S})`, `r0 = ${kernel}_cmpxchg((${ty} *){md}, r0, ${S})`],
  });
}

/** Every operation of the instruction set, indexed by `id`. */
export const OPS: readonly OpSpec[] = drafts.map((d, id) => Object.freeze({ ...d, id }));

/** Operation ids by name, for code that needs a specific row (the interpreter's switch). */
export const OP: Readonly<Record<string, number>> = Object.freeze(Object.fromEntries(OPS.map((o) => [o.name, o.id])));

/** Rows sharing each opcode byte (several rows share one when src/off/imm select the operation). */
export const OPS_BY_OPCODE: readonly (readonly OpSpec[])[] = (() => {
  const table: OpSpec[][] = Array.from({ length: 256 }, () => []);
  for (const o of OPS) table[o.opcode]!.push(o);
  return table;
})();

export function opByName(name: string): OpSpec {
  const id = OP[name];
  if (id === undefined) throw new Error(`no operation named ${name}`);
  return OPS[id]!;
}

export function opClass(opcode: number): number {
  return opcode & 0x07;
}
