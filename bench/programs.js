// Benchmark programs, built instruction by instruction from the ISA table (no assembler needed).
// Each entry: a prepared program, run options, and the per-iteration shape for the report.

import { layout, makeInsn, opByName } from '../dist/isa/index.js';
import { prepare } from '../dist/vm/index.js';

const I = (name, fields = {}) => makeInsn(opByName(name), fields);
const EXIT = I('exit');

/** lddw dst, value (BigInt) */
function lddw(dst, value) {
  const u = BigInt.asUintN(64, value);
  return I('lddw', { dst, imm: Number(u & 0xffffffffn) | 0, imm2: Number(u >> 32n) | 0 });
}

/** Appends a loop body closed by `jne counter, 0, <start of body>` (the offset counts slots). */
function loop(counter, body) {
  const slots = body.reduce((n, i) => n + i.op.slots, 0);
  return [...body, I('sub64_imm', { dst: counter, imm: 1 }), I('jne64_imm', { dst: counter, imm: 0, off: -(slots + 2) })];
}

/** (1) ALU loop: 4 ALU64/ALU32 ops + counter decrement + conditional back-jump (6 per iteration). */
export function aluLoop(iterations) {
  return prepare(layout([
    I('mov64_imm', { dst: 0, imm: 0 }),
    I('mov64_imm', { dst: 1, imm: iterations }),
    I('mov64_imm', { dst: 2, imm: 7 }),
    ...loop(1, [
      I('add64_reg', { dst: 0, src: 1 }),
      I('xor64_imm', { dst: 0, imm: 0x5555 }),
      I('lsh32_imm', { dst: 2, imm: 1 }),
      I('add32_reg', { dst: 2, src: 1 }),
    ]),
    I('add64_reg', { dst: 0, src: 2 }),
    EXIT,
  ]));
}

/** (2) 64-bit multiply / hash: FNV-1a over a counter with a xorshift mix (7 per iteration). */
export function hashLoop(iterations) {
  return prepare(layout([
    lddw(0, 0xcbf29ce484222325n), // FNV offset basis
    lddw(2, 0x100000001b3n), // FNV prime
    I('mov64_imm', { dst: 1, imm: iterations }),
    ...loop(1, [
      I('xor64_reg', { dst: 0, src: 1 }),
      I('mul64_reg', { dst: 0, src: 2 }),
      I('mov64_reg', { dst: 4, src: 0 }),
      I('rsh64_imm', { dst: 4, imm: 29 }),
      I('xor64_reg', { dst: 0, src: 4 }),
    ]),
    EXIT,
  ]));
}

/**
 * (3) Byte-wise checksum (Fletcher-like) over the input memory, `passes` times; every ldxb is
 * bounds-checked. 5 instructions per byte.
 */
export function checksumLoop(passes) {
  return prepare(layout([
    I('mov64_imm', { dst: 0, imm: 0 }), // sum1
    I('mov64_imm', { dst: 6, imm: 0 }), // sum2
    I('mov64_imm', { dst: 7, imm: passes }),
    // outer: r3 = start, r4 = end
    I('mov64_reg', { dst: 3, src: 1 }),
    I('mov64_reg', { dst: 4, src: 1 }),
    I('add64_reg', { dst: 4, src: 2 }),
    // inner, per byte
    I('ldxb', { dst: 5, src: 3, off: 0 }),
    I('add64_reg', { dst: 0, src: 5 }),
    I('add64_reg', { dst: 6, src: 0 }),
    I('add64_imm', { dst: 3, imm: 1 }),
    I('jlt64_reg', { dst: 3, src: 4, off: -5 }),
    // next pass
    I('sub64_imm', { dst: 7, imm: 1 }),
    I('jne64_imm', { dst: 7, imm: 0, off: -10 }),
    I('lsh64_imm', { dst: 6, imm: 32 }),
    I('or64_reg', { dst: 0, src: 6 }),
    EXIT,
  ]));
}

/** (4) Stack spill/fill: two 64-bit stores and loads through r10 per iteration (7 per iteration). */
export function spillLoop(iterations) {
  return prepare(layout([
    I('mov64_imm', { dst: 0, imm: 1 }),
    I('mov64_imm', { dst: 1, imm: iterations }),
    ...loop(1, [
      I('stxdw', { dst: 10, src: 1, off: -8 }),
      I('stxdw', { dst: 10, src: 0, off: -16 }),
      I('ldxdw', { dst: 2, src: 10, off: -8 }),
      I('ldxdw', { dst: 0, src: 10, off: -16 }),
      I('add64_reg', { dst: 0, src: 2 }),
    ]),
    EXIT,
  ]));
}

/**
 * (5) 64-bit division / modulo mix (20 per iteration, 4 of them div/mod): unsigned 56-bit by a
 * small divisor, unsigned modulo below 2^53, signed division of a negative 57-bit value by a small
 * one, and an unsigned modulo of a full 64-bit value by a 57-bit one.
 */
export function divLoop(iterations) {
  return prepare(layout([
    I('mov64_imm', { dst: 0, imm: 0 }),
    lddw(6, 0x0123456789abcdefn),
    I('mov64_imm', { dst: 1, imm: iterations }),
    ...loop(1, [
      I('mov64_reg', { dst: 3, src: 1 }),
      I('or64_imm', { dst: 3, imm: 1 }), // odd, non-zero divisor
      I('mov64_reg', { dst: 2, src: 6 }),
      I('add64_reg', { dst: 2, src: 1 }),
      I('div64_reg', { dst: 2, src: 3 }), // ~2^56 / small
      I('mov64_reg', { dst: 4, src: 1 }),
      I('lsh64_imm', { dst: 4, imm: 20 }),
      I('mod64_imm', { dst: 4, imm: 1000003 }), // below 2^53
      I('mov64_reg', { dst: 5, src: 6 }),
      I('neg64', { dst: 5 }),
      I('sdiv64_reg', { dst: 5, src: 3 }), // negative / positive
      I('mov64_reg', { dst: 7, src: 6 }),
      I('mul64_reg', { dst: 7, src: 1 }), // a full 64-bit dividend
      I('mod64_reg', { dst: 7, src: 6 }), // by a 57-bit divisor
      I('add64_reg', { dst: 0, src: 2 }),
      I('add64_reg', { dst: 0, src: 4 }),
      I('add64_reg', { dst: 0, src: 5 }),
      I('add64_reg', { dst: 0, src: 7 }),
    ]),
    EXIT,
  ]));
}

/** (6) The smallest program: per-run overhead. */
export function tinyProgram() {
  return prepare(layout([I('mov64_imm', { dst: 0, imm: 1 }), EXIT]));
}
