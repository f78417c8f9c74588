// The interpreter's dispatch table and layout constants stay in sync with the ISA table.

import { describe, expect, it } from 'vitest';
import { OPS, layout, makeInsn, opByName } from '../src/isa/index.js';
import { CODE_BY_OP_ID, unmappedOps } from '../src/vm/dispatch.js';
import { Code, DIV_MOD_CODES, DIV_SIGNED_CODES } from '../src/vm/interpreter.js';
import {
  MAX_FRAMES,
  MEM_BASE,
  STACK_BASE,
  STACK_SIZE,
  STACK_WINDOW,
  WINDOW_BITS,
  WINDOW_MASK,
} from '../src/vm/memory.js';
import { prepare } from '../src/vm/prepare.js';
import { CODE_AT, DEEPEST_FRAME_AT, DEPTH_AT, FRAMES_AT, FRAME_WORDS, HI, MAX_CODE_SLOTS, STRIDE, W_WORDS } from '../src/vm/words.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

describe('dispatch codes', () => {
  it('every OPS row has a dispatch code', () => {
    expect(unmappedOps()).toEqual([]);
    for (const op of OPS) expect(CODE_BY_OP_ID[op.id], op.name).not.toBe(Code.TRAP_INVALID);
  });

  it('codes fit in the low byte of the first code word', () => {
    expect(Code.COUNT).toBeLessThanOrEqual(256);
  });

  it('prepare never produces an invalid-instruction trap for a well-formed instruction of any row', () => {
    for (const op of OPS) {
      const insn = makeInsn(op, { dst: 1, src: 2, off: 0, imm: 0 });
      const insns = [insn, makeInsn(opByName('exit'))];
      const p = prepare(layout(insns));
      const trap = p.traps.get(0);
      expect(trap, op.name).toBeUndefined();
    }
  });
});

describe('layout constants used as literals by the hot loop', () => {
  const src = readFileSync(fileURLToPath(new URL('../src/vm/interpreter.ts', import.meta.url)), 'utf8');

  it('agree with words.ts', () => {
    expect(HI).toBe(16);
    expect(FRAMES_AT).toBe(32);
    expect(FRAME_WORDS).toBe(11);
    expect(CODE_AT).toBe(128);
    expect(STRIDE).toBe(4);
    expect(FRAMES_AT + MAX_FRAMES * FRAME_WORDS).toBeLessThanOrEqual(CODE_AT);
    expect(src).toContain('const f = 32 + depth * 11;');
    expect(src).toContain('let pc = (vm.pc << 2) + 128;');
    expect(src).toContain('vm.pc = (pc - 128) >> 2;');
    expect(DEEPEST_FRAME_AT).toBe(120);
    expect(src).toContain('if (depth > W[120]!) W[120] = depth;');
    expect(DEPTH_AT).toBe(121);
    expect(src).toContain('W[121] = vm.depth;');
    expect(W_WORDS).toBe(4194304);
    expect(src).toContain('const MEM = new Int32Array(4194304); // W_WORDS');
    expect(src).toContain('const MEM_HEAD = MEM.subarray(0, 128);');
    expect(CODE_AT + MAX_CODE_SLOTS * STRIDE).toBe(W_WORDS);
  });

  it('agree with the dispatch codes (the shared division body)', () => {
    const codes = [Code.DIV64_IMM, Code.SDIV64_IMM, Code.MOD64_IMM, Code.SMOD64_IMM,
      Code.DIV64_REG, Code.SDIV64_REG, Code.MOD64_REG, Code.SMOD64_REG];
    for (const c of codes) expect(c).toBeLessThan(32);
    expect(DIV_MOD_CODES).toBe(0x3000c00);
    expect(DIV_SIGNED_CODES).toBe(0x2080820);
    expect(src).toContain('const isMod = ((0x3000c00 >>> op) & 1) !== 0;');
    expect(src).toContain('if (((0x2080820 >>> op) & 1) !== 0) {');
    // Immediate forms come before ADD64_REG, register forms after it.
    expect(Math.max(Code.DIV64_IMM, Code.SDIV64_IMM, Code.MOD64_IMM, Code.SMOD64_IMM)).toBeLessThan(Code.ADD64_REG);
    expect(Math.min(Code.DIV64_REG, Code.SDIV64_REG, Code.MOD64_REG, Code.SMOD64_REG)).toBeGreaterThan(Code.ADD64_REG);
    expect(src).toContain('if (op < Code.ADD64_REG) {');
  });

  it('agree with memory.ts', () => {
    expect(WINDOW_BITS).toBe(24);
    expect(WINDOW_MASK).toBe(0xffffff);
    expect(STACK_WINDOW).toBe(0x10);
    expect(STACK_BASE).toBe(0x10000000);
    expect(STACK_SIZE).toBe(512);
    expect(MAX_FRAMES).toBe(8);
    expect(MEM_BASE).toBe(0x20000000);
    expect(src).toContain('W[10] = 0x10000000 + depth * 0x1000000 + 512;');
    expect(src).toContain('if (depth === 7) {');
    expect(src).toContain('loadViews[a >>> 24]');
    expect(src).toContain('const o = a & 0xffffff;');
  });
});
