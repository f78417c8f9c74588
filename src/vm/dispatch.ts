// Mapping from the rows of `OPS` to the interpreter's dispatch codes (`Code`, interpreter.ts).
//
// The interpreter switches on these small integer constants rather than on `OpSpec.id`, so the
// numbering can group and specialise operations independently of the table order (for example
// `lddw` with src=0 executes, its pseudo forms do not). Every OPS row maps to exactly one code;
// test/vm-dispatch.test.ts checks that none is left unmapped.

import { OPS, type OpSpec } from '../isa/index.js';
import { Code } from './interpreter.js';


/** Dispatch code of each OPS row, by row name. */
const CODE_BY_NAME: Readonly<Record<string, Code>> = {
  add64_imm: Code.ADD64_IMM, sub64_imm: Code.SUB64_IMM, mul64_imm: Code.MUL64_IMM, div64_imm: Code.DIV64_IMM,
  sdiv64_imm: Code.SDIV64_IMM, or64_imm: Code.OR64_IMM, and64_imm: Code.AND64_IMM, lsh64_imm: Code.LSH64_IMM,
  rsh64_imm: Code.RSH64_IMM, mod64_imm: Code.MOD64_IMM, smod64_imm: Code.SMOD64_IMM, xor64_imm: Code.XOR64_IMM,
  arsh64_imm: Code.ARSH64_IMM, mov64_imm: Code.MOV64_IMM,
  add64_reg: Code.ADD64_REG, sub64_reg: Code.SUB64_REG, mul64_reg: Code.MUL64_REG, div64_reg: Code.DIV64_REG,
  sdiv64_reg: Code.SDIV64_REG, or64_reg: Code.OR64_REG, and64_reg: Code.AND64_REG, lsh64_reg: Code.LSH64_REG,
  rsh64_reg: Code.RSH64_REG, mod64_reg: Code.MOD64_REG, smod64_reg: Code.SMOD64_REG, xor64_reg: Code.XOR64_REG,
  arsh64_reg: Code.ARSH64_REG, mov64_reg: Code.MOV64_REG, neg64: Code.NEG64,
  movsx8_64: Code.MOVSX8_64, movsx16_64: Code.MOVSX16_64, movsx32_64: Code.MOVSX32_64,

  add32_imm: Code.ADD32_IMM, sub32_imm: Code.SUB32_IMM, mul32_imm: Code.MUL32_IMM, div32_imm: Code.DIV32_IMM,
  sdiv32_imm: Code.SDIV32_IMM, or32_imm: Code.OR32_IMM, and32_imm: Code.AND32_IMM, lsh32_imm: Code.LSH32_IMM,
  rsh32_imm: Code.RSH32_IMM, mod32_imm: Code.MOD32_IMM, smod32_imm: Code.SMOD32_IMM, xor32_imm: Code.XOR32_IMM,
  arsh32_imm: Code.ARSH32_IMM, mov32_imm: Code.MOV32_IMM,
  add32_reg: Code.ADD32_REG, sub32_reg: Code.SUB32_REG, mul32_reg: Code.MUL32_REG, div32_reg: Code.DIV32_REG,
  sdiv32_reg: Code.SDIV32_REG, or32_reg: Code.OR32_REG, and32_reg: Code.AND32_REG, lsh32_reg: Code.LSH32_REG,
  rsh32_reg: Code.RSH32_REG, mod32_reg: Code.MOD32_REG, smod32_reg: Code.SMOD32_REG, xor32_reg: Code.XOR32_REG,
  arsh32_reg: Code.ARSH32_REG, mov32_reg: Code.MOV32_REG, neg32: Code.NEG32,
  movsx8_32: Code.MOVSX8_32, movsx16_32: Code.MOVSX16_32,

  // On a little-endian host le* only truncates and be* swaps (the same as bswap*).
  le16: Code.LE16, le32: Code.LE32, le64: Code.LE64,
  be16: Code.BSWAP16, be32: Code.BSWAP32, be64: Code.BSWAP64,
  bswap16: Code.BSWAP16, bswap32: Code.BSWAP32, bswap64: Code.BSWAP64,

  // ja32 differs from ja only in where the offset is encoded; prepare() resolves both to a slot.
  ja: Code.JA, ja32: Code.JA,
  jeq64_imm: Code.JEQ64_IMM, jgt64_imm: Code.JGT64_IMM, jge64_imm: Code.JGE64_IMM, jset64_imm: Code.JSET64_IMM,
  jne64_imm: Code.JNE64_IMM, jsgt64_imm: Code.JSGT64_IMM, jsge64_imm: Code.JSGE64_IMM, jlt64_imm: Code.JLT64_IMM,
  jle64_imm: Code.JLE64_IMM, jslt64_imm: Code.JSLT64_IMM, jsle64_imm: Code.JSLE64_IMM,
  jeq64_reg: Code.JEQ64_REG, jgt64_reg: Code.JGT64_REG, jge64_reg: Code.JGE64_REG, jset64_reg: Code.JSET64_REG,
  jne64_reg: Code.JNE64_REG, jsgt64_reg: Code.JSGT64_REG, jsge64_reg: Code.JSGE64_REG, jlt64_reg: Code.JLT64_REG,
  jle64_reg: Code.JLE64_REG, jslt64_reg: Code.JSLT64_REG, jsle64_reg: Code.JSLE64_REG,
  jeq32_imm: Code.JEQ32_IMM, jgt32_imm: Code.JGT32_IMM, jge32_imm: Code.JGE32_IMM, jset32_imm: Code.JSET32_IMM,
  jne32_imm: Code.JNE32_IMM, jsgt32_imm: Code.JSGT32_IMM, jsge32_imm: Code.JSGE32_IMM, jlt32_imm: Code.JLT32_IMM,
  jle32_imm: Code.JLE32_IMM, jslt32_imm: Code.JSLT32_IMM, jsle32_imm: Code.JSLE32_IMM,
  jeq32_reg: Code.JEQ32_REG, jgt32_reg: Code.JGT32_REG, jge32_reg: Code.JGE32_REG, jset32_reg: Code.JSET32_REG,
  jne32_reg: Code.JNE32_REG, jsgt32_reg: Code.JSGT32_REG, jsge32_reg: Code.JSGE32_REG, jlt32_reg: Code.JLT32_REG,
  jle32_reg: Code.JLE32_REG, jslt32_reg: Code.JSLT32_REG, jsle32_reg: Code.JSLE32_REG,

  call: Code.CALL_HELPER, call_local: Code.CALL_LOCAL, call_kfunc: Code.CALL_KFUNC, callx: Code.CALLX, exit: Code.EXIT,

  lddw: Code.LDDW, lddw_map_fd: Code.LDDW_PSEUDO, lddw_map_value: Code.LDDW_PSEUDO, lddw_btf_var: Code.LDDW_PSEUDO,
  lddw_func: Code.LDDW_PSEUDO, lddw_map_idx: Code.LDDW_PSEUDO, lddw_map_idx_value: Code.LDDW_PSEUDO,

  ldabsb: Code.LD_ABS, ldabsh: Code.LD_ABS, ldabsw: Code.LD_ABS,
  ldindb: Code.LD_IND, ldindh: Code.LD_IND, ldindw: Code.LD_IND,

  ldxb: Code.LDXB, ldxh: Code.LDXH, ldxw: Code.LDXW, ldxdw: Code.LDXDW,
  ldxsb: Code.LDXSB, ldxsh: Code.LDXSH, ldxsw: Code.LDXSW,
  stb: Code.STB, sth: Code.STH, stw: Code.STW, stdw: Code.STDW,
  stxb: Code.STXB, stxh: Code.STXH, stxw: Code.STXW, stxdw: Code.STXDW,

  atomic32_add: Code.ATOMIC32_ADD, atomic32_or: Code.ATOMIC32_OR, atomic32_and: Code.ATOMIC32_AND,
  atomic32_xor: Code.ATOMIC32_XOR, atomic32_fetch_add: Code.ATOMIC32_FETCH_ADD,
  atomic32_fetch_or: Code.ATOMIC32_FETCH_OR, atomic32_fetch_and: Code.ATOMIC32_FETCH_AND,
  atomic32_fetch_xor: Code.ATOMIC32_FETCH_XOR, atomic32_xchg: Code.ATOMIC32_XCHG,
  atomic32_cmpxchg: Code.ATOMIC32_CMPXCHG,
  atomic64_add: Code.ATOMIC64_ADD, atomic64_or: Code.ATOMIC64_OR, atomic64_and: Code.ATOMIC64_AND,
  atomic64_xor: Code.ATOMIC64_XOR, atomic64_fetch_add: Code.ATOMIC64_FETCH_ADD,
  atomic64_fetch_or: Code.ATOMIC64_FETCH_OR, atomic64_fetch_and: Code.ATOMIC64_FETCH_AND,
  atomic64_fetch_xor: Code.ATOMIC64_FETCH_XOR, atomic64_xchg: Code.ATOMIC64_XCHG,
  atomic64_cmpxchg: Code.ATOMIC64_CMPXCHG,
};

/**
 * Dispatch code of each OPS row, indexed by `OpSpec.id`; `Code.TRAP_INVALID` for a row the
 * interpreter does not know (a test keeps this list complete).
 */
export const CODE_BY_OP_ID: Int32Array = Int32Array.from(OPS, (op) => CODE_BY_NAME[op.name] ?? Code.TRAP_INVALID);

/** Dispatch code for an operation, or `Code.TRAP_INVALID` if it is not a row of OPS. */
export function dispatchCodeFor(op: OpSpec): Code {
  return OPS[op.id] === op || OPS[op.id]?.name === op.name ? CODE_BY_OP_ID[op.id]! : Code.TRAP_INVALID;
}

/** Rows of OPS without a dispatch code (must be empty). */
export function unmappedOps(): string[] {
  return OPS.filter((op) => CODE_BY_NAME[op.name] === undefined).map((op) => op.name);
}
