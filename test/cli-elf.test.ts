// The command line on ELF objects and on assembly with maps, run through the built CLI as a user
// would. Expected values come from the C sources in ../shared/corpus/modern (worked by hand) and
// from the kernel where it is available.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernelAvailable } from '../src/oracle/index.js';
import { ROOT, SHARED, type CliResult, hasStackTrace } from './helpers.js';

/**
 * Runs `bpfbox ARGS` through the real launcher, asynchronously: a synchronous spawn blocks the test
 * worker long enough on a busy machine for vitest's own RPC to time out.
 */
function cli(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'bpfbox.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const MODERN = join(SHARED, 'corpus', 'modern');
const SAMPLES = join(SHARED, 'corpus', 'samples');
const HAVE_CORPUS = existsSync(MODERN);
const tmp = mkdtempSync(join(tmpdir(), 'bpfbox-cli-elf-'));
const tmpFile = (name: string, content: string | Uint8Array): string => {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
};

function expectBadInput(r: CliResult, pattern: RegExp): void {
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr.startsWith('bpfbox: ')).toBe(true);
  expect(hasStackTrace(r.stderr + r.stdout)).toBe(false);
}

/** Ethernet + IPv4 (protocol `proto`, 10.0.0.1 -> 10.0.0.2) + 20 more bytes (a TCP header with `flags`). */
function ipv4Packet(proto: number, tcpFlags = 0x02): string {
  const eth = 'ffffffffffff' + '000000000001' + '0800';
  const ip = '45000028' + '00004000' + '40' + proto.toString(16).padStart(2, '0') + '0000' + '0a000001' + '0a000002';
  const l4 = '04d20050' + '00000000' + '00000000' + '50' + tcpFlags.toString(16).padStart(2, '0') + '0000' + '00000000';
  return eth + ip + l4;
}

describe.skipIf(!HAVE_CORPUS)('bpfbox inspect', () => {
  const obj = join(MODERN, 'xdp_parse_count.o');

  it('prints programs, maps, sections, relocations and BTF as tables', async () => {
    const r = await cli(['inspect', obj]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/xdp_parse_count\s+xdp\s+xdp\s+74\s+proto_count,src_count/);
    expect(r.stdout).toMatch(/0\s+proto_count\s+array\s+4\s+8\s+256\s+0\s+declared/);
    expect(r.stdout).toMatch(/1\s+src_count\s+hash\s+4\s+8\s+1024\s+0\s+declared/);
    expect(r.stdout).toMatch(/\.maps\s+PROGBITS\s+64\s+maps \(BTF\)/);
    expect(r.stdout).toMatch(/xdp\s+3\s+3 map/);
    expect(r.stdout).toMatch(/\.BTF\.ext with \d+ line records/);
    expect(r.stdout).toContain('license "Dual MIT/GPL"');
  });

  it('--json gives the same as one object, --verbose every relocation', async () => {
    const j = JSON.parse((await cli(['inspect', obj, '--json'])).stdout);
    expect(j.programs).toHaveLength(1);
    expect(j.programs[0]).toMatchObject({ name: 'xdp_parse_count', section: 'xdp', type: 'xdp', typeId: 6, insns: 74, maps: ['proto_count', 'src_count'], runnable: true });
    expect(j.maps.map((m: { name: string; type: string }) => [m.name, m.type])).toEqual([['proto_count', 'array'], ['src_count', 'hash']]);
    expect(j.relocations).toEqual([{ section: 'xdp', count: 3, kinds: { map: 3 } }]);
    expect(j.btf.hasExt).toBe(true);
    const v = JSON.parse((await cli(['inspect', obj, '--json', '--verbose'])).stdout);
    // llvm-objdump -r: three R_BPF_64_64 in xdp: proto_count, src_count (lookup), src_count (update)
    expect(v.relocations.map((x: { type: string; symbol: string }) => `${x.type} ${x.symbol}`)).toEqual([
      'R_BPF_64_64 proto_count', 'R_BPF_64_64 src_count', 'R_BPF_64_64 src_count',
    ]);
  });

  it('lists every program of a multi-program object and marks types bpfbox does not run', async () => {
    const r = await cli(['inspect', join(SAMPLES, 'linux', 'xdp_redirect_cpu_kern.o')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/tracepoint\/xdp\/xdp_exception\s+tracepoint\/xdp\/xdp_exception\s+tracepoint\*\s+15/);
    expect(r.stdout).toContain('* bpfbox runs and verifies xdp, socket_filter and kprobe programs');
  });

  it('refuses malformed and non-ELF files with a clear line and exit 2', async () => {
    const bytes = readFileSync(obj);
    expectBadInput(await cli(['inspect', tmpFile('cut.o', bytes.subarray(0, 1000))]), /E_ELF_TRUNCATED/);
    expectBadInput(await cli(['inspect', tmpFile('text.o', 'r0 = 0\nexit\n')]), /not an ELF file .*E_ELF_MAGIC/);
    expectBadInput(await cli(['inspect', join(tmp, 'missing.o')]), /no such file/);
    const be = new Uint8Array(bytes);
    be[5] = 2;
    expectBadInput(await cli(['inspect', tmpFile('be.o', be)]), /big-endian/);
  });
});

describe.skipIf(!HAVE_CORPUS)('bpfbox run on ELF objects', () => {
  it('runs an XDP program with its maps and prints them (--dump-maps --json)', async () => {
    // TCP from 10.0.0.1: proto_count[6] = 1, src_count[0x0100000a] = 1 (saddr as loaded: network
    // order bytes 0a 00 00 01), SYN without FIN -> XDP_PASS.
    const r = await cli(['run', join(MODERN, 'xdp_parse_count.o'), '--packet-hex', ipv4Packet(6), '--dump-maps', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect([j.type, j.program, j.verified, j.r0, j.action]).toEqual(['xdp', 'xdp_parse_count', true, '2', 'XDP_PASS']);
    const maps = j.maps.maps;
    expect(maps[0].entries).toEqual([expect.objectContaining({ key: '06000000', value: '0100000000000000' })]);
    expect(maps[1].entries).toEqual([expect.objectContaining({ key: '0a000001', value: '0100000000000000' })]);
    // SYN+FIN is dropped
    const drop = JSON.parse((await cli(['run', join(MODERN, 'xdp_parse_count.o'), '--packet-hex', ipv4Packet(6, 0x03), '--json'])).stdout);
    expect(drop.action).toBe('XDP_DROP');
  });

  it('pre-fills maps with --map: tail calls go where the prog_array says', async () => {
    const prog = join(MODERN, 'xdp_tail_call.o');
    // Empty slot: bpf_tail_call falls through, the dispatcher returns XDP_ABORTED (0).
    const empty = JSON.parse((await cli(['run', prog, '--program', 'xdp_dispatch', '--json'])).stdout);
    expect([empty.r0, empty.tailCalls]).toEqual(['0', []]);
    const table = tmpFile('jt.json', JSON.stringify({ entries: [{ key: 0, value: 'xdp_stage_small' }, { key: 1, value: 'xdp_stage_large' }] }));
    // 64-byte packet: len <= 512 -> slot 0 -> xdp_stage_small -> XDP_PASS
    const small = await cli(['run', prog, '--program', 'xdp_dispatch', '--map', `jmp_table=${table}`]);
    expect(small.status).toBe(0);
    expect(small.stdout).toContain('tail calls: xdp_dispatch -> xdp_stage_small');
    expect(small.stdout).toContain('r0 = 2 (0x2) XDP_PASS');
    // 600-byte packet: slot 1 -> xdp_stage_large: 600 <= 1500 -> XDP_PASS
    const large = JSON.parse((await cli(['run', prog, '--program', 'xdp_dispatch', '--map', `jmp_table=${table}`, '--packet-hex', '00'.repeat(600), '--json'])).stdout);
    expect([large.r0, large.tailCalls]).toEqual(['2', ['xdp_stage_large']]);
  });

  it('asks which program to run when there are several, and names them', async () => {
    const r = await cli(['run', join(MODERN, 'xdp_tail_call.o')]);
    expectBadInput(r, /3 programs; pick one with --program NAME: xdp_stage_small .*xdp_stage_large .*xdp_dispatch/);
    expectBadInput(await cli(['run', join(MODERN, 'xdp_tail_call.o'), '--program', 'nope']), /no program named 'nope'/);
  });

  it('says when the section does not give a type bpfbox runs, and --type overrides', async () => {
    const obj = join(SAMPLES, 'cilium', 'bpf_xdp.o');
    expectBadInput(await cli(['run', obj]), /from-netdev.*give --type/);
    const r = await cli(['run', obj, '--type', 'xdp', '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).verified).toBe(true);
  });

  it('prints the C line of a fault', async () => {
    // xdp_bad_bounds.c:20 reads ip->ttl (packet offset 22) after checking only 14 bytes.
    const r = await cli(['run', join(MODERN, 'xdp_bad_bounds.o'), '--no-verify', '--packet-hex', '00'.repeat(12) + '0800']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/fault: .* at insn 6 \(\.\/xdp_bad_bounds\.c:20: return ip->ttl > 1 \? XDP_PASS : XDP_DROP;\) \[E_OUT_OF_BOUNDS\]/);
    const j = JSON.parse((await cli(['run', join(MODERN, 'xdp_bad_bounds.o'), '--no-verify', '--packet-hex', '00'.repeat(14), '--json'])).stdout);
    expect(j.fault).toMatchObject({ pc: 6, line: 20, code: 'E_OUT_OF_BOUNDS' });
  });

  it('clear errors for bad --map values', async () => {
    const prog = join(MODERN, 'xdp_tail_call.o');
    expectBadInput(await cli(['run', prog, '--program', 'xdp_dispatch', '--map', 'jmp_table']), /NAME=FILE\.json/);
    expectBadInput(await cli(['run', prog, '--program', 'xdp_dispatch', '--map', `nope=${tmpFile('e.json', '[]')}`]), /no map named 'nope' \(maps: jmp_table\)/);
    expectBadInput(await cli(['run', prog, '--program', 'xdp_dispatch', '--map', `jmp_table=${tmpFile('bad.json', '{')}`]), /not valid JSON/);
    expectBadInput(await cli(['run', prog, '--program', 'xdp_dispatch', '--map', `jmp_table=${tmpFile('big.json', '[{"key": 9, "value": 0}]')}`]), /E_MAP_JSON/);
    expectBadInput(await cli(['run', 'programs/examples/fib.s', '--map', `m=${tmpFile('m.json', '[]')}`]), /no map named 'm' \(maps: none\)/);
    const fib = await cli(['run', 'programs/examples/fib.s', '--dump-maps']);
    expect(fib.status).toBe(0);
    expect(fib.stdout).toContain('r0 = 12586269025');
    expect(fib.stdout).toContain('no maps');
    expectBadInput(await cli(['run', 'programs/examples/fib.s', '--program', 'x']), /--program is for ELF objects/);
  });
});

describe.skipIf(!HAVE_CORPUS)('bpfbox verify and disasm on ELF objects', () => {
  it('verify names the C line of a rejection', async () => {
    const r = await cli(['verify', join(MODERN, 'xdp_bad_bounds.o')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/rejected at insn 6 \(\.\/xdp_bad_bounds\.c:20: return ip->ttl/);
    const j = JSON.parse((await cli(['verify', join(MODERN, 'xdp_bad_bounds.o'), '--json'])).stdout);
    expect([j.accepted, j.program, j.type, j.line.line]).toEqual([false, 'xdp_bad_bounds', 'xdp', 20]);
  });

  it('verify passes the object\'s maps to the verifier (kernel: 98 processed)', async () => {
    const r = await cli(['verify', join(MODERN, 'xdp_parse_count.o')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('processed 98 insns');
  });

  it.skipIf(!kernelAvailable().ok)('verify --kernel agrees with the running kernel on an ELF program with maps', async () => {
    const r = await cli(['verify', join(MODERN, 'xdp_parse_count.o'), '--kernel', '--json']);
    const j = JSON.parse(r.stdout);
    expect(j.kernel.available).toBe(true);
    expect(j.kernel.accepted).toBe(true);
    expect(j.kernel.agree).toBe(true);
  });

  it('disasm --source interleaves C lines; function names label appended subprograms', async () => {
    const r = await cli(['disasm', join(MODERN, 'xdp_bad_bounds.o'), '--source']);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    const at = lines.indexOf('    ; ./xdp_bad_bounds.c:16: if ((void *)(eth + 1) > data_end)');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toBe('    r3 = r1');
    const b = await cli(['disasm', join(SAMPLES, 'build', 'bpf2bpf.o')]);
    expect(b.stdout).toMatch(/call add2\n/);
    expect(b.stdout).toMatch(/\nadd2:\n/);
    expect(b.stdout).toMatch(/\nadd1:\n/);
  });
});

describe('assembly with maps, and ELF output', () => {
  const COUNTER = [
    '.section xdp',
    '.map counter array key=4 value=8 entries=1',
    '    r1 = 0',
    '    *(u32 *)(r10 - 4) = r1',
    '    r2 = r10',
    '    r2 += -4',
    '    r1 = map_fd(counter) ll',
    '    call 1',
    '    if r0 == 0 goto out',
    '    r1 = 1',
    '    lock *(u64 *)(r0 + 0) += r1',
    'out:',
    '    r0 = 2',
    '    exit',
  ].join('\n') + '\n';

  it('runs .map assembly as the type its .section names, with its maps', async () => {
    const s = tmpFile('counter.s', COUNTER);
    const j = JSON.parse((await cli(['run', s, '--dump-maps', '--json'])).stdout);
    expect([j.type, j.r0, j.action]).toEqual(['xdp', '2', 'XDP_PASS']);
    expect(j.maps.maps[0].entries).toEqual([expect.objectContaining({ key: '00000000', value: '0100000000000000' })]);
  });

  it('asm -o OUT.o writes an object bpfbox loads back and runs the same way', async () => {
    const s = tmpFile('counter2.s', COUNTER);
    const o = join(tmp, 'counter2.o');
    const a = await cli(['asm', s, '-o', o]);
    expect(a.stderr).toBe('');
    expect(a.status).toBe(0);
    expect(readFileSync(o).subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    const i = JSON.parse((await cli(['inspect', o, '--json'])).stdout);
    expect(i.programs.map((p: { name: string; section: string; insns: number }) => [p.name, p.section, p.insns])).toEqual([['counter2', 'xdp', 12]]);
    expect(i.maps.map((m: { name: string; type: string }) => [m.name, m.type])).toEqual([['counter', 'array']]);
    const j = JSON.parse((await cli(['run', o, '--dump-maps', '--json'])).stdout);
    expect([j.r0, j.maps.maps[0].entries[0].value]).toEqual(['2', '0100000000000000']);
  });

  it.skipIf(!HAVE_CORPUS)('disasm of an object re-assembles with `asm -o` into an object with the same code and maps', async () => {
    const src = join(MODERN, 'xdp_parse_count.o');
    const d = await cli(['disasm', src]);
    expect(d.stdout.split('\n').slice(0, 3)).toEqual([
      '.section xdp', '.map proto_count array key=4 value=8 entries=256', '.map src_count hash key=4 value=8 entries=1024',
    ]);
    const s = tmpFile('rt.s', d.stdout);
    const o = join(tmp, 'rt.o');
    expect((await cli(['asm', s, '-o', o])).status).toBe(0);
    const { loadObject } = await import('../src/elf/index.js');
    const a = loadObject(readFileSync(src));
    const b = loadObject(readFileSync(o));
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(Buffer.from(b.value.programs[0]!.bytes).equals(Buffer.from(a.value.programs[0]!.bytes))).toBe(true);
    expect(b.value.maps.map((m) => [m.name, m.type, m.keySize, m.valueSize, m.maxEntries]))
      .toEqual(a.value.maps.map((m) => [m.name, m.type, m.keySize, m.valueSize, m.maxEntries]));
    // the re-assembled object carries the assembly's own lines as line info
    expect(b.value.programs[0]!.lines[0]?.file).toBe('rt.s');
  });

  it('asm -o OUT.o without a section says how to give one', async () => {
    expectBadInput(await cli(['asm', 'programs/examples/fib.s', '-o', join(tmp, 'fib.o')]), /needs a program section.*--section/);
    const ok = await cli(['asm', 'programs/examples/fib.s', '-o', join(tmp, 'fib.o'), '--section', 'socket']);
    expect(ok.status).toBe(0);
    expect(JSON.parse((await cli(['inspect', join(tmp, 'fib.o'), '--json'])).stdout).programs[0].type).toBe('socket_filter');
  });
});

describe('kprobe arguments on the command line', () => {
  it('--regs takes a negative first value (AT_FDCWD = -100) without an = sign', async () => {
    const r = await cli(['run', 'programs/c/kprobe_exec.o', '--regs', '-100,0x1000,0']);
    expect(r.status).toBe(0);
    // kprobe_exec prints dfd as a signed int: the value reached the program's first argument
    expect(r.stdout).toContain('trace_printk: openat2 dfd=-100 filename=1000 how=0');
  });
});
