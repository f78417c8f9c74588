// Helper implementations (src/runtime/helperimpl, src/runtime/printk.ts) and the program contexts
// that carry them (src/runtime/context.ts). Expectations are hand-computed or computed from
// scratch here (RFC 1071 sums); where this process can load programs, the same programs also run
// in the kernel (BPF_PROG_TEST_RUN) and must agree: XDP head/meta/tail geometry (return values and
// the output packet), csum_diff, trace_printk's return value. Without the kernel those tests are
// SKIPPED with the reason printed.

import { describe, expect, it } from 'vitest';

import { assemble } from '../src/asm/index.js';
import { decode } from '../src/isa/encoding.js';
import type { Program } from '../src/isa/index.js';
import { kernelAvailable, kernelTestRun } from '../src/oracle/index.js';
import { type ProgRunOptions, runProgram } from '../src/runtime/context.js';
import { csumDiff, csumPartial } from '../src/runtime/helperimpl/csum.js';
import { formatPrintk } from '../src/runtime/printk.js';

function bytesOf(text: string): Uint8Array {
  const r = assemble(text, { syntax: 'llvm' });
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.value.bytes;
}

function prog(text: string): Program {
  const d = decode(bytesOf(text));
  if (!d.ok) throw new Error('does not decode');
  return d.value;
}

const runText = (text: string, opts: ProgRunOptions) => runProgram(prog(text), opts);
const neg = (e: number): bigint => BigInt.asUintN(64, BigInt(-e));
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** Instructions that store `data` at r10 - `at` (at a multiple of 8, data padded with zeros). */
function stackBytes(data: Uint8Array, at: number): string {
  const lines: string[] = [];
  for (let i = 0; i < Math.ceil(data.length / 8); i++) {
    let v = 0n;
    for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(data[i * 8 + k] ?? 0);
    lines.push(`r1 = 0x${v.toString(16)} ll`, `*(u64 *)(r10 - ${at - i * 8}) = r1`);
  }
  return lines.join('\n');
}

const PACKET = Uint8Array.from({ length: 64 }, (_, i) => (i * 7 + 3) & 0xff);

/** An XDP program calling helper `id` with r2 = `arg`, returning its r0. */
const adjust = (id: number, arg: number): string => `r2 = ${arg}\ncall ${id}\nexit`;

// ---- XDP geometry ---------------------------------------------------------------------------------

describe('xdp_adjust_head / meta / tail with the test run geometry', () => {
  it('head: down to sizeof(struct xdp_frame) = 40 bytes into the 256 of headroom, up to 14 bytes before the end', () => {
    const grown = runText(adjust(44, -216), { progType: 'xdp', packet: PACKET });
    expect(grown.r0).toBe(0n);
    expect(grown.packet!.length).toBe(64 + 216);
    expect(hex(grown.packet!.subarray(216))).toBe(hex(PACKET));
    expect(grown.packet!.subarray(0, 216).every((b) => b === 0)).toBe(true);
    expect(runText(adjust(44, -217), { progType: 'xdp', packet: PACKET }).r0).toBe(neg(22));
    const cut = runText(adjust(44, 50), { progType: 'xdp', packet: PACKET });
    expect(cut.r0).toBe(0n);
    expect(hex(cut.packet!)).toBe(hex(PACKET.subarray(50)));
    expect(runText(adjust(44, 51), { progType: 'xdp', packet: PACKET }).r0).toBe(neg(22));
  });

  it('meta: a multiple of 4 up to 255 bytes (else -EACCES), not below byte 40, not past data (else -EINVAL)', () => {
    const m = runText(adjust(54, -216), { progType: 'xdp', packet: PACKET });
    expect(m.r0).toBe(0n);
    expect(m.packet!.length).toBe(64 + 216); // the output starts at data_meta
    expect(runText(adjust(54, -220), { progType: 'xdp', packet: PACKET }).r0).toBe(neg(22));
    expect(runText(adjust(54, -6), { progType: 'xdp', packet: PACKET }).r0).toBe(neg(13));
    expect(runText(adjust(54, 4), { progType: 'xdp', packet: PACKET }).r0).toBe(neg(22));
    expect(runText(adjust(54, 0), { progType: 'xdp', packet: PACKET }).r0).toBe(0n);
  });

  it('tail: grows to 4096 - 320 bytes of frame (zero-filled), shrinks to 14 bytes', () => {
    const g = runText(adjust(65, 3456), { progType: 'xdp', packet: PACKET });
    expect(g.r0).toBe(0n);
    expect(g.packet!.length).toBe(64 + 3456);
    expect(g.packet!.subarray(64).every((b) => b === 0)).toBe(true);
    expect(runText(adjust(65, 3457), { progType: 'xdp', packet: PACKET }).r0).toBe(neg(22));
    expect(runText(adjust(65, -50), { progType: 'xdp', packet: PACKET }).packet!.length).toBe(14);
    expect(runText(adjust(65, -51), { progType: 'xdp', packet: PACKET }).r0).toBe(neg(22));
  });
});

// meta -8, write 8 bytes into the metadata, then head -16: the metadata moves with data; returns
// (data_end - data) << 16 | (data - data_meta).
const META_THEN_HEAD = `
      r6 = r1
      r2 = -8
      call 54
      r2 = *(u32 *)(r6 + 8)
      r3 = *(u32 *)(r6 + 0)
      r4 = r2
      r4 += 8
      if r4 > r3 goto out
      r5 = 0x1122334455667788 ll
      *(u64 *)(r2 + 0) = r5
      r1 = r6
      r2 = -16
      call 44
      r2 = *(u32 *)(r6 + 0)
      r3 = *(u32 *)(r6 + 4)
      r4 = *(u32 *)(r6 + 8)
      r0 = r3
      r0 -= r2
      r0 <<= 16
      r2 -= r4
      r0 |= r2
      exit
    out:
      r0 = 0
      exit`;

describe('xdp context updates', () => {
  it('moves data, data_meta and data_end in the context', () => {
    const r = runText(META_THEN_HEAD, { progType: 'xdp', packet: PACKET });
    expect(r.fault).toBeNull();
    expect(r.r0).toBe(BigInt(((64 + 16) << 16) | 8));
    expect(hex(r.packet!.subarray(0, 8))).toBe('8877665544332211');
    // the memmove leaves the old copy of the metadata in what is now packet data
    expect(r.packet!.subarray(8, 16).every((b) => b === 0)).toBe(true);
    expect(hex(r.packet!.subarray(16, 24))).toBe('8877665544332211');
    expect(hex(r.packet!.subarray(24))).toBe(hex(PACKET));
  });

  it('reading past data_end faults; after growing the tail it does not', () => {
    const read = (grow: number) => `r6 = r1\nr2 = ${grow}\ncall 65\nr2 = *(u32 *)(r6 + 0)\nr0 = *(u8 *)(r2 + 70)\nexit`;
    expect(runText(read(0), { progType: 'xdp', packet: PACKET }).fault?.code).toBe('E_OUT_OF_BOUNDS');
    expect(runText(read(8), { progType: 'xdp', packet: PACKET }).fault).toBeNull();
  });

  it('bpf_redirect returns XDP_REDIRECT and records the ifindex; flags make it XDP_ABORTED', () => {
    const r = runText('r1 = 7\nr2 = 0\ncall 23\nexit', { progType: 'xdp' });
    expect(r.action).toBe('XDP_REDIRECT');
    expect(r.redirectIfindex).toBe(7);
    expect(runText('r1 = 7\nr2 = 1\ncall 23\nexit', { progType: 'xdp' }).r0).toBe(0n);
  });
});

// ---- csum_diff ------------------------------------------------------------------------------------

/** RFC 1071 from scratch: the 16-bit ones'-complement sum of big-endian 16-bit words (odd byte
 * padded), folded; 0 only for all-zero input. */
function rfc1071Sum(data: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < data.length; i += 2) sum += (data[i]! << 8) | (data[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}
const bswap16 = (v: number): number => ((v & 0xff) << 8) | (v >> 8);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 24;
  };
}

describe('csum_diff', () => {
  it('pushing data: the byte-swapped RFC 1071 sum of `to` (the sum is byte-order independent)', () => {
    const next = rng(7);
    for (const len of [2, 4, 6, 8, 20, 40, 64, 100, 255]) {
      for (let t = 0; t < 20; t++) {
        const data = Uint8Array.from({ length: len }, next);
        if (data.every((b) => b === 0)) continue;
        expect(csumDiff(null, data, 0), `len ${len} ${hex(data)}`).toBe(bswap16(rfc1071Sum(data)));
      }
    }
    expect(csumDiff(null, new Uint8Array(8), 0)).toBe(0);
  });

  it('a hand-computed example: 0xdeadbeefdeadbeef folds to 0x3b3b; the kernel selftest value', () => {
    // le words: 0xefbeadde twice: 16-bit words de ad be ef x2 (LE: 0xadde, 0xefbe) sum = 2 * 0x19d9c
    // = 0x33b38 -> 0x3b3b
    const b = Uint8Array.from([0xef, 0xbe, 0xad, 0xde, 0xef, 0xbe, 0xad, 0xde]);
    expect(csumDiff(null, b, 0)).toBe(0x3b3b);
  });

  it('diffing: csum(to) - csum(from), the checksum update of RFC 1624', () => {
    const next = rng(3);
    for (let t = 0; t < 50; t++) {
      const from = Uint8Array.from({ length: 4 }, next);
      const to = Uint8Array.from({ length: 4 }, next);
      const d = csumDiff(from, to, 0);
      // Applying the diff to a sum over `from` gives the sum over `to` (mod 0xffff).
      const sFrom = rfc1071Sum(from);
      const sTo = rfc1071Sum(to);
      expect((bswap16(d) - (sTo - sFrom) + 0xffff * 4) % 0xffff).toBe(0);
    }
  });

  it('csum_partial: 0 only for all-zero input, otherwise in [1, 2^32 - 1]', () => {
    expect(csumPartial(new Uint8Array(12), 0)).toBe(0);
    expect(csumPartial(Uint8Array.from([0xff, 0xff, 0xff, 0xff]), 0)).toBe(0xffffffff);
    expect(csumPartial(Uint8Array.from([1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff]), 0)).toBe(0xffffffff);
    expect(csumPartial(Uint8Array.from([1, 0, 0, 0]), 0xffffffff)).toBe(1);
  });

  it('runs as helper 28 reading the buffers from the stack', () => {
    const data = Uint8Array.from([0x45, 0, 0, 0x1c, 0, 1, 0, 0, 0x40, 0x11, 0, 0, 0xc0, 0xa8, 0, 1, 0xc0, 0xa8, 0, 0xc7]);
    const text = `${stackBytes(data, 24)}\nr1 = 0\nr2 = 0\nr3 = r10\nr3 += -24\nr4 = 20\nr5 = 0\ncall 28\nexit`;
    const r = runText(text, { progType: 'xdp' });
    expect(r.fault).toBeNull();
    expect(Number(r.r0)).toBe(bswap16(rfc1071Sum(data)));
  });
});

// ---- trace_printk ----------------------------------------------------------------------------------

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const fmt = (s: string): ReturnType<typeof formatPrintk> => formatPrintk(enc(s + '\0'), [42n, 0xfffffffffffffffen, 0x1234n], () => null);

describe('trace_printk formatting', () => {
  it('formats the kernel subset', () => {
    expect(fmt('x=%d y=%d\n')).toMatchObject({ ok: true, text: 'x=42 y=-2\n', length: 10 });
    expect(fmt('%u %x %X')).toMatchObject({ text: '42 fffffffe 1234' });
    expect(fmt('%lu %lld %llx')).toMatchObject({ text: '42 -2 1234' });
    expect(fmt('%5d|%-5d|%05d')).toMatchObject({ text: '   42|-2   |04660' });
    expect(fmt('%c%c %%')).toMatchObject({ text: '*\u00fe %' });
    expect(fmt('%p')).toMatchObject({ text: '000000000000002a' });
  });

  it('refuses what bpf_bprintf_prepare refuses (-EINVAL)', () => {
    for (const bad of ['%d %d %d %d', '%f', '%hd', '%.2d', '%pq', '%sx', 'tab\u0001', '%5']) {
      expect(fmt(bad), bad).toMatchObject({ ok: false, errno: 22 });
    }
    expect(formatPrintk(enc('no nul'), [], () => null)).toMatchObject({ ok: false, errno: 22 });
  });

  it('reads %s from memory; an unreadable address prints nothing', () => {
    const read = (a: bigint, n: number) => (a >= 100n && a + BigInt(n) <= 106n ? enc('hello\0').slice(Number(a - 100n), Number(a - 100n) + n) : null);
    expect(formatPrintk(enc('[%s] [%s]\0'), [100n, 5n], read)).toMatchObject({ text: '[hello] []' });
  });

  it('trace_vprintk takes its arguments from memory: u64s, at most 12, data_len a multiple of 8', () => {
    const vp = (dataLen: number) => `${stackBytes(enc('%d-%d\0'), 8)}\n*(u64 *)(r10 - 24) = 12\n*(u64 *)(r10 - 16) = 34\n` +
      `r1 = r10\nr1 += -8\nr2 = 6\nr3 = r10\nr3 += -24\nr4 = ${dataLen}\ncall 177\nexit`;
    const r = runText(vp(16), { progType: 'xdp' });
    expect(r.r0).toBe(5n);
    expect(r.printk).toEqual(['12-34']);
    expect(runText(vp(12), { progType: 'xdp' }).r0).toBe(neg(22));
    expect(runText(vp(8), { progType: 'xdp' }).r0).toBe(neg(22)); // two conversions, one argument
  });

  it('perf_event_output records the data with the CPU the flags choose', () => {
    const text = (flags: string) => `*(u64 *)(r10 - 8) = 77\nr2 = 0\nr3 = ${flags} ll\nr4 = r10\nr4 += -8\nr5 = 8\ncall 25\nexit`;
    const r = runText(text('0xffffffff'), { progType: 'xdp', cpu: 2 });
    expect(r.r0).toBe(0n);
    expect(r.perfEvents.map((e) => [e.cpu, hex(e.data)])).toEqual([[2, '4d00000000000000']]);
    expect(runText(text('0x100000000000000'), { progType: 'xdp' }).r0).toBe(neg(22));
  });

  it('collects lines per run and returns the length', () => {
    const text = `${stackBytes(enc('n=%d\n\0'), 8)}\nr1 = r10\nr1 += -8\nr2 = 6\nr3 = 7\ncall 6\nexit`;
    const r = runText(text, { progType: 'xdp' });
    expect(r.fault).toBeNull();
    expect(r.r0).toBe(4n);
    expect(r.printk).toEqual(['n=7']);
  });
});

// ---- task, time, cpu, kprobe -------------------------------------------------------------------------

describe('simulated task, clock and kprobe context', () => {
  it('pid/tgid, uid/gid, comm and CPU are the simulated ones', () => {
    expect(runText('call 14\nexit', { progType: 'kprobe' }).r0).toBe((4242n << 32n) | 4242n);
    expect(runText('call 14\nexit', { progType: 'kprobe', task: { pid: 7, tgid: 5 } }).r0).toBe((5n << 32n) | 7n);
    expect(runText('call 15\nexit', { progType: 'kprobe', task: { uid: 1000, gid: 100 } }).r0).toBe((100n << 32n) | 1000n);
    const comm = 'r1 = r10\nr1 += -16\nr2 = 16\ncall 16\nr0 = *(u64 *)(r10 - 16)\nexit';
    expect(runText(comm, { progType: 'kprobe' }).r0).toBe(0x786f62667062n); // "bpfbox" little-endian
    expect(runText('call 8\nexit', { progType: 'xdp', cpu: 3 }).r0).toBe(3n);
  });

  it('boot time equals monotonic time; the coarse clock is at a 4 ms tick', () => {
    const r = runText('call 5\nr6 = r0\ncall 125\nr0 -= r6\nexit', { progType: 'kprobe' });
    expect(r.r0).toBe(2n);
    const c = runText('call 160\nexit', { progType: 'xdp' }).r0;
    expect(c % 4_000_000n).toBe(0n);
  });

  it('pt_regs: regs fill di, si, dx, cx, r8, r9; read-only context', () => {
    // di at 112, si at 104, r9 at 64
    const text = 'r0 = *(u64 *)(r1 + 112)\nr2 = *(u64 *)(r1 + 104)\nr0 += r2\nr2 = *(u32 *)(r1 + 64)\nr0 += r2\nexit';
    expect(runText(text, { progType: 'kprobe', regs: [1000n, 200n, 0n, 0n, 0n, 3n] }).r0).toBe(1203n);
    expect(runText('*(u64 *)(r1 + 112) = 1\nr0 = 0\nexit', { progType: 'kprobe' }).fault?.code).toBe('E_READ_ONLY');
  });

  it('probe_read_kernel reads simulated kernel memory and the sandbox; anything else is -EFAULT, zeroed', () => {
    const text = (addr: string) => `*(u64 *)(r10 - 8) = 1\nr1 = r10\nr1 += -8\nr2 = 8\nr3 = ${addr} ll\ncall 113\nr6 = *(u64 *)(r10 - 8)\nr0 <<= 32\nr0 |= r6\nexit`;
    const kernelMemory = [{ address: 0xffff888000001000n, bytes: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) }];
    expect(runText(text('0xffff888000001000'), { progType: 'kprobe', kernelMemory }).r0).toBe(0x0807060504030201n);
    const miss = runText(text('0xffff888000002000'), { progType: 'kprobe', kernelMemory });
    expect(miss.r0).toBe(BigInt.asUintN(64, -14n << 32n));
  });
});

// ---- helpers and program types ----------------------------------------------------------------------

describe('bpf_loop through a program context', () => {
  it('is there for xdp', () => {
    const text = 'r1 = 5\nr2 = func(cb) ll\nr3 = 0\nr4 = 0\ncall 181\nexit\ncb:\nr0 = 0\nexit';
    expect(runText(text, { progType: 'xdp' }).r0).toBe(5n);
  });
});

// ---- agreement with the running kernel ----------------------------------------------------------------

const avail = kernelAvailable();
if (!avail.ok) console.warn(`\n*** kernel helper comparisons are SKIPPED: ${avail.reason} ***\n`);

describe.skipIf(!avail.ok)('agreement with the kernel (BPF_PROG_TEST_RUN)', () => {
  function compare(text: string, packet: Uint8Array = PACKET, checkPacket = true): void {
    const ours = runText(text, { progType: 'xdp', packet });
    const k = kernelTestRun(bytesOf(text), { progType: 'xdp', packet });
    const what = `${text}\non ${packet.length} bytes`;
    expect(k.verdict.accepted, `${what}\n${k.verdict.log ?? ''}`).toBe(true);
    expect(k.run!.errno, what).toBe(0);
    expect(ours.fault, what).toBeNull();
    expect(ours.r0Lo, what).toBe(k.run!.retval);
    if (checkPacket) expect(hex(ours.packet!), what).toBe(hex(k.run!.dataOut));
  }

  it('xdp_adjust_head: return values and output packets', () => {
    for (const off of [-256, -217, -216, -100, -1, 0, 1, 14, 50, 51, 64]) compare(`r6 = r1\n${adjust(44, off)}`);
  });

  it('xdp_adjust_meta: return values and output packets', () => {
    for (const off of [-256, -220, -216, -32, -36, -6, -4, 0, 4]) compare(adjust(54, off));
  });

  it('xdp_adjust_tail: return values and output packets', () => {
    for (const off of [-51, -50, -1, 0, 1, 100, 3456, 3457, 5000]) compare(adjust(65, off));
    compare(adjust(65, 100), Uint8Array.from({ length: 1500 }, (_, i) => i & 0xff));
  });

  it('packets over 3520 bytes: the rest in fragments (data_end, buff_len, load/store across, tail)', () => {
    const big = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + 5) & 0xff);
    const lengths = 'r6 = r1\ncall 188\nr2 = *(u32 *)(r6 + 0)\nr3 = *(u32 *)(r6 + 4)\nr3 -= r2\nr0 <<= 16\nr0 |= r3\nexit';
    const load = (off: number) => `r1 = r1\nr2 = ${off}\nr3 = r10\nr3 += -8\nr4 = 8\ncall 189\nr0 = *(u64 *)(r10 - 8)\nexit`;
    const store = (off: number) => `r2 = 0x0102030405060708 ll\n*(u64 *)(r10 - 8) = r2\nr2 = ${off}\nr3 = r10\nr3 += -8\nr4 = 8\ncall 190\nexit`;
    for (const n of [3520, 3521, 4000, 9000]) {
      compare(lengths, big(n));
      compare(`r6 = r1\n${adjust(65, 0)}`, big(n));
    }
    // the loaded u64's low half is what the test run reports
    for (const off of [3510, 3515, 3519, 3990, 3992]) compare(load(off), big(4000), false);
    for (const off of [3515, 3992, 3993, 7610]) compare(store(off), big(9000));
    for (const off of [1, 100, 576, 577, 4096, -1, -479, -480, -481, -4000, -3985, -3986]) compare(adjust(65, off), big(4000));
    for (const off of [-5480, -5481, -8986, -8987]) compare(adjust(65, off), big(9000));
  });

  it('metadata and head together', () => {
    compare('r6 = r1\nr2 = -8\ncall 54\nr1 = r6\nr2 = -16\ncall 44\nexit');
    compare('r6 = r1\nr2 = -8\ncall 54\nr1 = r6\nr2 = 20\ncall 44\nexit');
    compare('r6 = r1\nr2 = -200\ncall 54\nr1 = r6\nr2 = -20\ncall 44\nexit');
    compare(META_THEN_HEAD);
  });

  it('csum_diff: push, pull and diff, any size', () => {
    const next = rng(11);
    for (const [fromLen, toLen, seed] of [[0, 8, 0], [0, 20, 0x1234], [8, 0, 0xffff], [4, 4, 0], [12, 8, 0xdeadbeef], [0, 6, 0], [6, 10, 5], [0, 0, 77]] as const) {
      const from = Uint8Array.from({ length: Math.max(fromLen, 1) }, next);
      const to = Uint8Array.from({ length: Math.max(toLen, 1) }, next);
      const text = [
        stackBytes(from, 64), stackBytes(to, 32),
        fromLen ? 'r1 = r10\nr1 += -64' : 'r1 = 0', `r2 = ${fromLen}`,
        toLen ? 'r3 = r10\nr3 += -32' : 'r3 = 0', `r4 = ${toLen}`, `r5 = ${seed} ll`, 'call 28', 'exit',
      ].join('\n');
      compare(text, PACKET, false);
    }
  });

  // bpf_loop is not compared here: a program with a callback subprogram needs BTF func_info to
  // load, which raw instruction bytes do not carry (programs/loop_stats.o, with BTF, is compared by
  // the program tests).

  it('trace_vprintk: return values', () => {
    for (const dataLen of [0, 8, 16, 12, 104]) {
      const text = `${stackBytes(enc('%d-%d\0'), 8)}\n*(u64 *)(r10 - 120) = 12\n*(u64 *)(r10 - 112) = 34\n` +
        Array.from({ length: 12 }, (_, i) => `*(u64 *)(r10 - ${104 - 8 * i}) = ${i}`).join('\n') +
        `\nr1 = r10\nr1 += -8\nr2 = 6\nr3 = r10\nr3 += -120\nr4 = ${dataLen}\ncall 177\nexit`;
      compare(text, PACKET, false);
    }
  });

  it('trace_printk: return values, good and bad formats', () => {
    for (const f of ['n=%d\n\0', 'a %u b %x c %llx\n\0', '%5d|%-3d|%c\0', 'bad %f\n\0', 'no nul!!', '%d %d %d %d\0', '100%%\0', '%s\0']) {
      const data = enc(f);
      const size = data.length;
      const text = `${stackBytes(data, 32)}\nr1 = r10\nr1 += -32\nr2 = ${size}\nr3 = 7\nr4 = -3\nr5 = 65\ncall 6\nexit`;
      compare(text, PACKET, false);
    }
  });
});
