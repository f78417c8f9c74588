// The public eBPF conformance suite, read from ../shared (never copied into the repository).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDataFile } from '../src/conformance/datafile.js';
import { runPlugin } from '../src/conformance/plugin.js';
import { runConformanceTest } from '../src/conformance/runner.js';
import { loadProgramFile } from '../src/input/load.js';
import { CONFORMANCE_DIR, HAVE_CONFORMANCE } from './helpers.js';

const files = HAVE_CONFORMANCE ? readdirSync(CONFORMANCE_DIR).filter((f) => f.endsWith('.data')).sort() : [];

describe.skipIf(!HAVE_CONFORMANCE)('conformance suite', () => {
  it('has all 313 tests', () => expect(files.length).toBe(313));

  it.each(files)('%s', (f) => {
    const o = runConformanceTest(join(CONFORMANCE_DIR, f));
    expect(o.reason).toBeNull();
    expect(o.status).toBe('pass');
  });
});

/** What the upstream runner does with a plugin's stdout: strtoull(base 16) of the first number. */
function runnerReadsR0(stdout: string): bigint | null {
  const m = /^\s*(?:0[xX])?([0-9a-fA-F]+)/.exec(stdout.replace(/\n$/, ''));
  return m ? BigInt('0x' + m[1]) : null;
}

const asRunnerHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0') + '  ').join('');

describe.skipIf(!HAVE_CONFORMANCE)('plugin protocol against every conformance program', () => {
  it('returns the expected r0 for all 313 tests, as the upstream runner would read it', () => {
    const failures: string[] = [];
    for (const f of files) {
      const path = join(CONFORMANCE_DIR, f);
      const loaded = loadProgramFile(path);
      const data = parseDataFile(readFileSync(path, 'utf8'));
      if (!loaded.ok || !data.ok) {
        failures.push(`${f}: does not load`);
        continue;
      }
      const args = data.value.mem ? [asRunnerHex(data.value.mem)] : [];
      const r = runPlugin(asRunnerHex(loaded.value.bytes) + '\n', args);
      const r0 = runnerReadsR0(r.stdout);
      if (r.exitCode !== 0 || r0 !== data.value.result) failures.push(`${f}: exit ${r.exitCode}, r0 ${r.stdout.trim()} ${r.stderr.trim()}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('.data parser', () => {
  it('follows the upstream rules: comments anywhere, last result wins, raw slots', () => {
    const d = parseDataFile('# c\n-- asm\nmov %r0, 1 # trailing\n\nexit\n-- raw\n0x00000001000000b7\n0x95\n-- result\n0x1\n0x2\n-- mem\naa BB\n');
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value.result).toBe(2n);
    expect(Array.from(d.value.mem!)).toEqual([0xaa, 0xbb]);
    expect(Array.from(d.value.raw!.subarray(0, 8))).toEqual([0xb7, 0, 0, 0, 1, 0, 0, 0]);
    expect(d.value.raw!.length).toBe(16);
    expect(d.value.asm!.split('\n')[2]).toBe('mov %r0, 1 ');
  });
  it('rejects an unknown section header', () => {
    const d = parseDataFile('-- asm\nexit\n-- Unknown directive\n');
    expect(d.ok).toBe(false);
  });
  it('reads one byte per token in raw sections of the negative tests', () => {
    const d = parseDataFile('-- raw\n85 01 00 00 00 00 00 00\n95 00 00 00 00 00 00 00\n-- error\n');
    expect(d.ok && Array.from(d.value.raw!.subarray(0, 2))).toEqual([0x85, 0x01]);
  });
});
