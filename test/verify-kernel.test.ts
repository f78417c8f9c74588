// `bpfbox verify --kernel`: bpfbox's verdict and statistics next to the running kernel's.

import { describe, expect, it } from 'vitest';
import { kernelAvailable } from '../src/oracle/index.js';
import { withinFactor } from '../src/oracle/compare.js';
import { cli } from './helpers.js';

const avail = kernelAvailable();
if (!avail.ok) console.warn(`kernel comparison tests skipped: ${avail.reason}`);

describe('withinFactor', () => {
  it('accepts counts within 2x and rejects others', () => {
    expect(withinFactor(304, 304)).toBe(true);
    expect(withinFactor(100, 199)).toBe(true);
    expect(withinFactor(100, 201)).toBe(false);
    expect(withinFactor(0, 3)).toBe(false);
  });
});

describe.skipIf(!avail.ok)('verify --kernel', () => {
  it('agrees with the kernel on the Fibonacci loop, statistics included', () => {
    const r = cli(['verify', 'programs/examples/fib.s', '--kernel', '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.accepted).toBe(true);
    expect(j.kernel.available).toBe(true);
    expect(j.kernel.accepted).toBe(true);
    expect(j.kernel.agree).toBe(true);
    // 3 + 50 * 6 + 1 instructions on the one path, plus the 8-instruction raw prolog in the kernel
    expect(j.stats.processedInsns).toBe(304);
    expect(j.kernel.stats.processedInsns).toBe(312);
  });

  it('prints a side-by-side table and marks disagreements', () => {
    const r = cli(['verify', 'programs/examples/out-of-bounds.s', '--kernel', '--mem-size', '4']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/verdict\s+rejected\s+rejected/);
    expect(r.stdout).toMatch(/rejected insn\s+0\s+0/);
    expect(r.stdout).toContain('agreement:');
  });
});
