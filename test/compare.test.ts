// Side by side (src/sim/compare): for unsafe programs, driver mode leaks, corrupts or panics as
// the memory layout dictates, while the sandbox rejects the program at load or contains the
// fault at run time, and the host (this process) survives.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { assemble } from '../src/asm/index.js';
import { decode } from '../src/isa/index.js';
import { compareRun, compareToJson, formatCompare, parseProgramHeader } from '../src/sim/compare/index.js';
import { cf291Layout, contentBytes, CONTENT_MAP_SIZE, DEFAULT_EVENT, inlineInputs, loadInterpreter, mapValue } from '../src/sim/scenario/index.js';
import { ROOT } from './helpers.js';

const UNSAFE = join(ROOT, 'programs', 'unsafe');

function load(file: string) {
  const text = readFileSync(join(UNSAFE, file), 'utf8');
  const a = assemble(text);
  if (!a.ok) throw new Error(`${file}: ${a.errors.map((e) => e.message).join('; ')}`);
  const h = parseProgramHeader(text);
  return { program: a.value.program, header: h, mem: h.mem ?? new Uint8Array(h.memSize ?? 0) };
}

/** What the default memory layout makes of each program in driver mode. */
const EXPECTED: Record<string, { driver: string; stop?: string; sandbox: string }> = {
  'endless-loop.s': { driver: 'lockup', stop: 'DPC_WATCHDOG_VIOLATION', sandbox: 'rejected' },
  'guard-page.s': { driver: 'panic', stop: 'PAGE_FAULT_IN_NONPAGED_AREA', sandbox: 'rejected' },
  'non-canonical.s': { driver: 'panic', stop: 'PAGE_FAULT_IN_NONPAGED_AREA', sandbox: 'rejected' },
  'null-deref.s': { driver: 'panic', stop: 'PAGE_FAULT_IN_NONPAGED_AREA', sandbox: 'rejected' },
  'oob-read-after.s': { driver: 'leak', sandbox: 'rejected' },
  'oob-read-before.s': { driver: 'leak', sandbox: 'rejected' },
  'oob-write-after.s': { driver: 'corruption', stop: 'BAD_POOL_HEADER', sandbox: 'rejected' },
  'oob-write-links.s': { driver: 'corruption', stop: 'KERNEL_SECURITY_CHECK_FAILURE', sandbox: 'rejected' },
  'oob-write-uid.s': { driver: 'corruption', sandbox: 'rejected' },
  'pointer-from-input.s': { driver: 'panic', stop: 'PAGE_FAULT_IN_NONPAGED_AREA', sandbox: 'rejected' },
  'wild-pointer.s': { driver: 'panic', stop: 'PAGE_FAULT_IN_NONPAGED_AREA', sandbox: 'rejected' },
  'safe-sum.s': { driver: 'ok', sandbox: 'ok' },
  'xdp-past-packet.s': { driver: 'leak', sandbox: 'rejected' },
};

describe('compare: programs/unsafe', () => {
  const files = readdirSync(UNSAFE).filter((f) => f.endsWith('.s')).sort();

  it('every example has an expectation', () => {
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const f of files) {
    it(`${f}: driver ${EXPECTED[f]?.driver}, sandbox ${EXPECTED[f]?.sandbox}, host survives`, () => {
      const { program, header, mem } = load(f);
      const r = compareRun(program, { progType: header.progType ?? 'raw', mem, maps: header.maps });
      const want = EXPECTED[f]!;
      expect(r.driver.outcome).toBe(want.driver);
      expect(r.sandbox.outcome).toBe(want.sandbox);
      if (want.stop) expect(r.driver.bugcheck?.name).toBe(want.stop);
      else expect(r.driver.bugcheck).toBeNull();
      if (want.sandbox === 'rejected') {
        expect(r.verifier.accepted).toBe(false);
        expect(r.verifier.error?.message.length).toBeGreaterThan(0);
      }
      // the sandbox never reads or writes out of bounds, and its machine keeps running
      expect(r.sandbox.outOfBoundsReads).toEqual([]);
      expect(r.sandbox.outOfBoundsWrites).toEqual([]);
      expect(r.sandbox.machine).toBe('running');
      if (want.driver === 'leak') expect(r.driver.leaks.length).toBeGreaterThan(0);
      if (want.driver === 'corruption') expect(r.driver.corruptions.length).toBeGreaterThan(0);
      if (want.driver === 'panic' || want.driver === 'lockup' || want.stop) {
        expect(r.driver.workloads.every((w) => w.state !== 'running')).toBe(true);
      }
      expect(r.hostSurvived).toBe(true);
      const table = formatCompare(r);
      expect(table).toContain('eBPF sandbox');
      expect(table).toContain(want.driver);
    });
  }

  it('safe-sum: both sides agree on r0', () => {
    const { program, mem } = load('safe-sum.s');
    const r = compareRun(program, { mem });
    expect(r.sandbox.r0).toBe('3');
    expect(r.driver.r0).toBe('3');
  });

  it('--json shape: {verifier: {accepted, error}, sandbox: {outcome}, driver: {outcome}}', () => {
    const { program, mem } = load('oob-read-after.s');
    const j = JSON.parse(JSON.stringify(compareToJson(compareRun(program, { mem }))));
    expect(Object.keys(j)).toEqual(['verifier', 'sandbox', 'driver']);
    expect(Object.keys(j.verifier)).toEqual(['accepted', 'error']);
    expect(j.verifier.accepted).toBe(false);
    expect(j.sandbox.outcome).toBe('rejected');
    expect(j.driver.outcome).toBe('leak');
    expect(j.driver.leaks[0].object).toBe('explorer.exe process entry');
  });
});

describe('compare: run-time containment without the verifier', () => {
  it('with the verifier bypassed (as if it had a bug), the sandbox still stops every unsafe example at run time; nothing leaks, the kernel keeps running', () => {
    for (const f of Object.keys(EXPECTED)) {
      if (EXPECTED[f]!.sandbox !== 'rejected') continue;
      const { program, header, mem } = load(f);
      const r = compareRun(program, { progType: header.progType ?? 'raw', mem, maps: header.maps, runRejected: true, maxInsns: 100_000 });
      expect(r.verifier.accepted).toBe(false);
      expect(r.sandbox.verifierBypassed).toBe(true);
      expect(r.sandbox.outcome, f).toBe('fault');
      expect(r.sandbox.machine).toBe('running');
      expect(['null_pointer', 'unmapped', 'out_of_bounds', 'read_only', 'budget']).toContain(r.sandbox.fault!.kind);
      expect(r.driver.outcome).toBe(EXPECTED[f]!.driver);
    }
  });
});

describe('compare: packet programs', () => {
  it('xdp: a read past the packet end leaks the skb_shared_info behind it; a checked read agrees in both modes', () => {
    const { program } = load('xdp-past-packet.s');
    const r = compareRun(program, { progType: 'xdp', packet: new Uint8Array(64).fill(0xab) });
    expect(r.driver.leaks[0]!.object).toBe('skb_shared_info');
    const a = assemble('r2 = *(u32 *)(r1 + 0)\nr3 = *(u32 *)(r1 + 4)\nr4 = r2\nr4 += 14\nif r4 > r3 goto out\nr0 = *(u8 *)(r2 + 12)\nexit\nout:\nr0 = 1\nexit');
    if (!a.ok) throw new Error('assembly');
    const ok = compareRun(a.value.program, { progType: 'xdp', packet: new Uint8Array(64).fill(7) });
    expect(ok.verifier.accepted).toBe(true);
    expect(ok.sandbox.r0).toBe('7');
    expect(ok.driver.outcome).toBe('ok');
    expect(ok.driver.r0).toBe('7');
  });
});

describe('compare: the Channel File 291 interpreters', () => {
  it('v1 with the bad content: rejected at load (insn 24) vs. a page fault that halts the machine', () => {
    const v1 = loadInterpreter('v1');
    const content = contentBytes('v0719-0409');
    const r = compareRun(v1.asm.program, {
      progType: 'socket_filter', maps: v1.maps, mapValues: { content: mapValue(content, CONTENT_MAP_SIZE) },
      driver: { layout: cf291Layout(content, DEFAULT_EVENT, 0xffffd6030000006an) },
    });
    expect(r.verifier.error?.pc).toBe(24);
    expect(r.sandbox.outcome).toBe('rejected');
    expect(r.driver.outcome).toBe('panic');
    expect(r.driver.bugcheck?.pc).toBe(25);
    expect(r.driver.leaks[0]?.pc).toBe(24);
  });

  it('v2 with the bad content: the sandbox contains the bad criterion at run time (bounds check), nothing out of bounds', () => {
    const v2 = loadInterpreter('v2');
    const r = compareRun(v2.asm.program, {
      progType: 'socket_filter', maps: v2.maps,
      mapValues: { content: mapValue(contentBytes('v0719-0409'), CONTENT_MAP_SIZE), ipc_inputs: inlineInputs(DEFAULT_EVENT) },
    });
    expect(r.verifier.accepted).toBe(true);
    expect(r.sandbox.outcome).toBe('ok');
    expect(r.driver.outcome).toBe('ok');
  });
});

describe('compare: property', () => {
  it('a program the verifier accepts never faults on memory in the sandbox and touches nothing foreign in driver mode', () => {
    let seed = 99;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    let accepted = 0;
    for (let i = 0; i < 400; i++) {
      const n = 1 + Math.floor(rnd() * 8);
      const bytes = new Uint8Array((n + 2) * 8);
      const dv = new DataView(bytes.buffer);
      for (let k = 0; k < n; k++) {
        const at = k * 8;
        const off = Math.floor(rnd() * 96) - 16;
        if (rnd() < 0.6) { bytes[at] = [0x79, 0x61, 0x71][Math.floor(rnd() * 3)]!; bytes[at + 1] = 0x10 | [0, 2, 3][Math.floor(rnd() * 3)]!; dv.setInt16(at + 2, off, true); }
        else { bytes[at] = 0x7b; bytes[at + 1] = 0x01 | ([2, 3][Math.floor(rnd() * 2)]! << 4); dv.setInt16(at + 2, off, true); }
      }
      bytes[n * 8] = 0xb7; // r0 = 0
      bytes[n * 8 + 8] = 0x95;
      const d = decode(bytes);
      if (!d.ok) continue;
      const r = compareRun(d.value, { mem: new Uint8Array(64) });
      if (!r.verifier.accepted) continue;
      accepted++;
      expect(r.sandbox.outcome).toBe('ok');
      expect(r.driver.outcome).toBe('ok');
      expect(r.driver.leaks).toEqual([]);
      expect(r.driver.corruptions).toEqual([]);
    }
    expect(accepted).toBeGreaterThan(20);
  });
});
