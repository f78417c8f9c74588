// The CLI shells over src/sim: `compare`, `demo`, `fleet`. The numbers behind them are tested in
// test/compare, test/cf291 and test/fleet; here: the commands run, print what they promise, and
// refuse bad flags cleanly.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, hasStackTrace } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'bpfbox-cli-sim-'));

describe('bpfbox compare', () => {
  it('reads past the buffer: the verifier rejects, the driver leaks the neighbour', () => {
    const r = cli(['compare', 'programs/unsafe/oob-read-after.s', '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(['verifier', 'sandbox', 'driver']);
    expect(j.verifier.accepted).toBe(false);
    expect(j.sandbox.outcome).toBe('rejected');
    expect(j.driver.outcome).toBe('leak');
  });

  it('a wild pointer: the sandbox contains it at run time with --run-rejected; the driver panics', () => {
    const r = cli(['compare', 'programs/unsafe/wild-pointer.s', '--run-rejected', '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.sandbox.outcome).toBe('fault');
    expect(j.driver.outcome).toBe('panic');
  });

  it('prints a side-by-side table', () => {
    const r = cli(['compare', 'programs/unsafe/endless-loop.s']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/eBPF sandbox.*kernel driver/);
    expect(r.stdout).toMatch(/lockup/i);
  });

  it('--input gives a raw program its memory from a file: both sides read the same bytes', () => {
    const input = join(tmp, 'in.bin');
    writeFileSync(input, Uint8Array.from({ length: 16 }, (_, i) => i + 1));
    const r = cli(['compare', 'programs/unsafe/safe-sum.s', '--input', input, '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    // safe-sum adds the two u64 words of its 16-byte input: 0x0807060504030201 + 0x100f0e0d0c0b0a09
    const expected = (0x0807060504030201n + 0x100f0e0d0c0b0a09n).toString();
    expect(j.sandbox.r0).toBe(expected);
    expect(j.driver.r0).toBe(expected);
  });

  it('bad flags are one clear line and exit 2', () => {
    const r = cli(['compare', 'programs/unsafe/oob-read-after.s', '--packet-hex', '00']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^bpfbox: /);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});

describe('bpfbox demo and fleet', () => {
  it('demo --list names the scenario and the five presets', () => {
    const r = cli(['demo', '--list']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('cf291');
    for (const p of ['S1', 'S2', 'S3', 'S4', 'S5']) expect(r.stdout).toContain(p);
  });

  it('demo tells the story: the crash panel, E0/E1/E2, the fleet table, the chart', () => {
    const chart = join(tmp, 'chart.svg');
    const r = cli(['demo', '--hosts', '100000', '--chart', chart]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('STOP 0x50 PAGE_FAULT_IN_NONPAGED_AREA');
    expect(r.stdout).toContain('r7 (field index) = 0x14');
    expect(r.stdout).toMatch(/E0 .*\n[\s\S]*E1 [\s\S]*invalid access to map value, value_size=320 off=320 size=8[\s\S]*E2 /);
    expect(r.stdout).toMatch(/blast_radius/);
    expect(r.stdout).toContain(chart);
    const svg = readFileSync(chart, 'utf8');
    expect(/<svg[\s\S]*<\/svg>\s*$/.test(svg)).toBe(true);
    expect(svg.match(/<path d="M[^"]*" stroke="#/g)?.length ?? 0).toBe(5); // one coloured line per preset
  });

  it('demo cf291 --preset S2 --hosts 100000 --seed 7 --json: one configuration, deterministic', () => {
    const args = ['demo', 'cf291', '--preset', 'S2', '--hosts', '100000', '--seed', '7', '--json', '--chart', join(tmp, 's2.svg')];
    const a = cli(args);
    const b = cli(args);
    expect(a.status).toBe(0);
    const ja = JSON.parse(a.stdout);
    const jb = JSON.parse(b.stdout);
    expect(ja.fleet).toHaveLength(1);
    expect(ja.fleet[0].config.hosts).toBe(100000);
    expect(ja.fleet[0].config.seed).toBe(7);
    expect(ja.fleet[0].metrics).toEqual(jb.fleet[0].metrics);
    expect(ja.story.driver.outcome).toBe('panic');
  });

  it('fleet --json conserves hosts in every sample', () => {
    const r = cli(['fleet', '--preset', 'S1', '--hosts', '50000', '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.fleet[0].metrics.crashed_ever ?? j.fleet[0].metrics.crashedEver).toBeGreaterThan(0);
  });

  it('refuses a bad host count or scenario', () => {
    for (const args of [['demo', '--hosts', '-5'], ['demo', 'nosuch'], ['fleet', '--hosts', '1.5']]) {
      const r = cli(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^bpfbox: /);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
  });
});
