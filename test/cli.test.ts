import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_DIR, HAVE_CONFORMANCE, ROOT, cli, hasStackTrace } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'bpfbox-cli-'));
function tmpFile(name: string, content: string | Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}

/** Bad input: exit 2, one or more `bpfbox:` lines, no stack trace. */
function expectBadInput(r: { status: number | null; stderr: string; stdout: string }, pattern: RegExp): void {
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr.startsWith('bpfbox: ')).toBe(true);
  expect(hasStackTrace(r.stderr + r.stdout)).toBe(false);
}

describe('bpfbox run', () => {
  it('runs the bundled Fibonacci example: fib(50) = 12586269025', () => {
    const r = cli(['run', 'programs/examples/fib.s']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('r0 = 12586269025 (0x2ee333961)');
    // 3 setup + 50 iterations of 6 + exit
    expect(r.stdout).toContain('executed 304 instructions');
  });

  it('computes an IPv4 header checksum from --mem', () => {
    const r = cli(['run', 'programs/examples/checksum.s', '--mem', '45 00 00 1c 00 00 40 00 40 11 00 00 c0 a8 00 01 c0 a8 00 c7', '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.r0).toBe(String(0xb8b8));
    expect(j.fault).toBeNull();
  });

  it('keeps callee-saved registers across local calls', () => {
    const r = cli(['run', 'programs/examples/call.s', '--json']);
    expect(JSON.parse(r.stdout).r0).toBe('194');
  });

  it('runs mnemonic-syntax atomics', () => {
    const r = cli(['run', 'programs/examples/atomics.s', '--json']);
    expect(JSON.parse(r.stdout).r0).toBe('122');
  });

  it('reports an out-of-bounds read as a fault value and exits 1', () => {
    const r = cli(['run', 'programs/examples/out-of-bounds.s', '--mem', '01 02 03 04', '--json']);
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.fault).not.toBeNull();
    expect(j.fault.pc).toBe(0);
    expect(j.fault.size).toBe(8);
    expect(j.insns).toBe(1);
  });

  it('stops an endless loop with the instruction budget', () => {
    const r = cli(['run', 'programs/examples/endless.s', '--max-insns', '5000', '--json']);
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.fault.code).toBe('E_BUDGET');
    expect(j.insns).toBe(5000);
  });

  it('traces executed instructions with changed registers', () => {
    const f = tmpFile('t.s', 'r0 = 7\nr0 += 3\nexit\n');
    const r = cli(['run', f, '--trace']);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/0.*r0 = 7.*r0.*0x7/);
    expect(lines[1]).toMatch(/1.*r0 \+= 3.*r0.*0xa/);
    expect(r.stdout).toContain('r0 = 10 (0xa)');
  });

  it('runs .bin, .hex and .data inputs', () => {
    const bytes = Uint8Array.from([0xb7, 0, 0, 0, 42, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);
    expect(JSON.parse(cli(['run', tmpFile('p.bin', bytes), '--json']).stdout).r0).toBe('42');
    expect(JSON.parse(cli(['run', tmpFile('p.hex', 'b7 00 00 00 2a 00 00 00\n95 00 00 00 00 00 00 00\n'), '--json']).stdout).r0).toBe('42');
    const data = tmpFile('p.data', '-- asm\nldxb %r0, [%r1+1]\nexit\n-- mem\n05 09\n-- result\n0x9\n');
    expect(JSON.parse(cli(['run', data, '--json']).stdout).r0).toBe('9');
  });
});

describe('bad input gets a clear message and exit code 2', () => {
  it('missing file', () => expectBadInput(cli(['run', 'nope.s']), /nope\.s: no such file/));
  it('unknown extension', () => expectBadInput(cli(['run', tmpFile('x.txt', 'r0 = 1')]), /unknown file type/));
  it('truncated bytecode', () =>
    expectBadInput(cli(['run', tmpFile('t.bin', Uint8Array.from([0x95, 0, 0, 0, 0, 0]))]), /truncated/));
  it('unknown opcode', () =>
    expectBadInput(cli(['run', tmpFile('u.hex', 'ff 00 00 00 00 00 00 00 95 00 00 00 00 00 00 00')]), /insn 0: unknown opcode 0xff/));
  it('lddw without its second slot', () =>
    expectBadInput(cli(['run', tmpFile('l.hex', '18 00 00 00 01 00 00 00')]), /second slot/));
  it('garbage text reports every bad line with line:column', () => {
    const r = cli(['run', tmpFile('g.s', 'r0 = 1\nthis is not eBPF\nr0 += \nexit\n')]);
    expectBadInput(r, /g\.s:2:\d+/);
    expect(r.stderr).toMatch(/g\.s:3:\d+/);
  });
  it('not a hex byte', () => expectBadInput(cli(['run', tmpFile('b.hex', 'zz 00')]), /b\.hex:1:1: not a hex byte/));
  it('unknown flag', () => expectBadInput(cli(['run', 'programs/examples/fib.s', '--frobnicate']), /Unknown argument/));
  it('bad --max-insns', () => expectBadInput(cli(['run', 'programs/examples/fib.s', '--max-insns', 'lots']), /max-insns/));
  it('bad --mem', () => expectBadInput(cli(['run', 'programs/examples/fib.s', '--mem', 'xyz']), /not a hex byte/));
  it('no command', () => expectBadInput(cli([]), /command/));
  it('unknown command', () => expectBadInput(cli(['frob']), /Unknown argument|command/));
  it('a directory instead of a file', () => expectBadInput(cli(['run', tmp + '/']), /directory/i));
  it('ELF not yet supported', () => expectBadInput(cli(['run', tmpFile('x.o', 'ELF')]), /ELF/));
});

describe('bpfbox asm / disasm', () => {
  it('assembles to hex, one instruction per line', () => {
    const r = cli(['asm', tmpFile('a.s', 'r0 = 1\nexit\n')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('b7 00 00 00 01 00 00 00\n95 00 00 00 00 00 00 00\n');
  });
  it('writes raw bytes with -o and disassembles them back in both syntaxes', () => {
    const out = join(tmp, 'fib.bin');
    expect(cli(['asm', 'programs/examples/fib.s', '-o', out]).status).toBe(0);
    const bytes = readFileSync(out);
    expect(bytes.length).toBe(10 * 8);
    for (const syntax of ['llvm', 'mnemonic']) {
      const d = cli(['disasm', out, '--syntax', syntax]);
      expect(d.status).toBe(0);
      const again = join(tmp, `fib-${syntax}.s`);
      writeFileSync(again, d.stdout);
      const back = join(tmp, `fib-${syntax}.bin`);
      expect(cli(['asm', again, '-o', back]).status).toBe(0);
      expect(readFileSync(back).equals(bytes)).toBe(true);
    }
  });
  it('forces a syntax with --syntax', () => {
    const r = cli(['asm', tmpFile('m.s', 'mov %r0, 1\nexit\n'), '--syntax', 'llvm']);
    expect(r.status).toBe(2);
  });
});

describe('bpfbox conformance', () => {
  it.skipIf(!HAVE_CONFORMANCE)('passes the whole suite: 313 passed, 0 failed', () => {
    const r = cli(['conformance', CONFORMANCE_DIR]);
    expect(r.stdout.trim().split('\n').pop()).toBe('313 passed, 0 failed');
    expect(r.status).toBe(0);
  });
  it('reports a failing test with its reason and exits 1', () => {
    const f = tmpFile('wrong.data', '-- asm\nmov %r0, 1\nexit\n-- result\n0x2\n');
    const r = cli(['conformance', f]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('FAIL wrong: r0 is 0x1, expected 0x2');
    expect(r.stdout.trim().split('\n').pop()).toBe('0 passed, 1 failed');
  });
});

describe('bpfbox plugin (upstream runner protocol)', () => {
  it('reads the program as hex text on stdin and memory as the first argument, prints r0 in hex', () => {
    // ldxh r0, [r1+2]; exit
    const r = cli(['plugin', 'aa  bb  cc  dd  '], { input: '69  10  02  00  00  00  00  00  95  00  00  00  00  00  00  00  \n' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('ddcc\n');
  });
  it('bin/bpfbox-plugin can be exec\'d directly, without a shell, as the runner does', () => {
    const r = spawnSync(join(ROOT, 'bin', 'bpfbox-plugin'), ['05  '], {
      input: '71  10  00  00  00  00  00  00  95  00  00  00  00  00  00  00  \n', encoding: 'utf8',
    });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('5\n');
  });
  it('exits non-zero with a message on a fault', () => {
    const r = cli(['plugin'], { input: '79  10  00  00  00  00  00  00  95  00  00  00  00  00  00  00\n' });
    expect(r.status).not.toBe(0);
    expect(r.stderr.length).toBeGreaterThan(0);
  });
});
