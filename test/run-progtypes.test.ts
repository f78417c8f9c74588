// Running xdp and socket_filter programs (src/runtime/context.ts, `bpfbox run --type`): contexts
// built from the program type's declaration, packets, LD_ABS/LD_IND, helpers, verification before
// running. Expectations are computed by hand; where the kernel lets this process load programs,
// the same programs also run in the kernel (BPF_PROG_TEST_RUN) and must agree on r0 and the
// output packet. Without it those tests are SKIPPED with the reason printed.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { assemble } from '../src/asm/index.js';
import { decode } from '../src/isa/encoding.js';
import { kernelAvailable, kernelTestRun } from '../src/oracle/index.js';
import {
  DEFAULT_PACKET_SIZE, ProgramContext, SKF_LL_OFF, SKF_NET_OFF, packetProblem, runProgram, xdpActionName,
  type ProgRunOptions,
} from '../src/runtime/context.js';
import { verify } from '../src/verifier/index.js';
import { Vm } from '../src/vm/index.js';
import { ROOT, cli, hasStackTrace } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'bpfbox-progtypes-'));
function tmpFile(name: string, content: string | Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}

function asm(text: string): Uint8Array {
  const r = assemble(text, { syntax: 'llvm' });
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.value.bytes;
}

function prog(text: string) {
  const d = decode(asm(text));
  if (!d.ok) throw new Error('does not decode');
  return d.value;
}

function runText(text: string, opts: ProgRunOptions) {
  return runProgram(prog(text), opts);
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** An Ethernet frame: destination, source, EtherType, payload, zero-padded to `len`. */
function frame(dst: number[], src: number[], type: number, payload: number[] = [], len = 64): Uint8Array {
  const p = new Uint8Array(Math.max(len, 14 + payload.length));
  p.set(dst, 0);
  p.set(src, 6);
  p[12] = type >> 8;
  p[13] = type & 0xff;
  p.set(payload, 14);
  return p;
}

const MAC_A = [0x02, 0x11, 0x22, 0x33, 0x44, 0x55];
const MAC_B = [0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee];
// IPv4, total length 28, TTL 64, UDP (17), 192.168.0.1 -> 192.168.0.199
const IPV4_HDR = [0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7];
const IPV6_HDR = [0x60, 0, 0, 0, 0, 8, 0x11, 64, ...new Array<number>(32).fill(0x20)];
const ARP = [0, 1, 8, 0, 6, 4, 0, 1, ...MAC_A, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2];

const PKT_IPV4 = frame(MAC_B, MAC_A, 0x0800, IPV4_HDR);
const PKT_IPV6 = frame(MAC_B, MAC_A, 0x86dd, IPV6_HDR, 80);
const PKT_ARP = frame([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], MAC_A, 0x0806, ARP, 42);
const PKT_MIN = frame([0, 0, 0, 0, 0, 0], MAC_A, 0x0800, [], 14); // too short for a socket filter (no IPv4 header)
const PKT_MIN_ARP = frame([0, 0, 0, 0, 0, 0], MAC_A, 0x0806, [], 14);
const PKT_HOST_IPV4 = frame([0, 0, 0, 0, 0, 0], MAC_A, 0x0800, IPV4_HDR, 100);

// ---- programs -----------------------------------------------------------------------------------

const DROP_IPV4 = `
  r2 = *(u32 *)(r1 + 0)
  r3 = *(u32 *)(r1 + 4)
  r0 = 0
  r4 = r2
  r4 += 14
  if r4 > r3 goto out
  r0 = 2
  r5 = *(u16 *)(r2 + 12)
  if r5 != 0x0008 goto out
  r0 = 1
out:
  exit`;

/** Swaps the MAC addresses and returns XDP_TX (XDP_DROP if there is no Ethernet header). */
const SWAP_MAC = `
  r2 = *(u32 *)(r1 + 0)
  r3 = *(u32 *)(r1 + 4)
  r4 = r2
  r4 += 12
  if r4 > r3 goto drop
  r5 = *(u32 *)(r2 + 0)
  r6 = *(u16 *)(r2 + 4)
  r7 = *(u32 *)(r2 + 6)
  r8 = *(u16 *)(r2 + 10)
  *(u32 *)(r2 + 0) = r7
  *(u16 *)(r2 + 4) = r8
  *(u32 *)(r2 + 6) = r5
  *(u16 *)(r2 + 10) = r6
  r0 = 3
  exit
drop:
  r0 = 1
  exit`;

/** Decrements the IPv4 TTL (byte 22 of the frame); XDP_PASS, or XDP_ABORTED if it is too short. */
const DEC_TTL = `
  r2 = *(u32 *)(r1 + 0)
  r3 = *(u32 *)(r1 + 4)
  r0 = 0
  r4 = r2
  r4 += 34
  if r4 > r3 goto out
  r5 = *(u8 *)(r2 + 22)
  r5 -= 1
  *(u8 *)(r2 + 22) = r5
  r0 = 2
out:
  exit`;

/** Bounds check proves 14 bytes, then reads 4 at offset 12: two bytes past the proven range. */
const OFF_BY_TWO = `
  r2 = *(u32 *)(r1 + 0)
  r3 = *(u32 *)(r1 + 4)
  r0 = 0
  r4 = r2
  r4 += 14
  if r4 > r3 goto out
  r0 = *(u32 *)(r2 + 12)
out:
  exit`;

/** r0 = data_end - data */
const XDP_LEN = `
  r2 = *(u32 *)(r1 + 0)
  r3 = *(u32 *)(r1 + 4)
  r0 = r3
  r0 -= r2
  exit`;

const XDP_META_GAP = `
  r2 = *(u32 *)(r1 + 0)
  r3 = *(u32 *)(r1 + 8)
  r0 = r2
  r0 -= r3
  exit`;

/** bpf_xdp_load_bytes of `len` bytes at `off` into the stack: r0 = its error, or the first 4 bytes read. */
const xdpLoadBytes = (off: number, len = 4): string => `
  r6 = r1
  *(u64 *)(r10 - 8) = 0
  r2 = ${off}
  r3 = r10
  r3 += -8
  r4 = ${len}
  call 189
  if r0 != 0 goto out
  r0 = *(u32 *)(r10 - 8)
out:
  exit`;

/** Writes de ad be ef at `off` with bpf_xdp_store_bytes; r0 = its return value. */
const xdpStoreBytes = (off: number): string => `
  r6 = r1
  r1 = 0xefbeadde
  *(u32 *)(r10 - 4) = r1
  r1 = r6
  r2 = ${off}
  r3 = r10
  r3 += -4
  r4 = 4
  call 190
  exit`;

const SKB_LEN = 'r0 = *(u32 *)(r1 + 0)\nexit';
/** Accepts UDP over IPv4 (the whole packet), drops the rest. */
const SKB_UDP_ONLY = `
  r6 = r1
  r0 = *(u16 *)skb[${SKF_LL_OFF + 12}]
  if r0 != 0x800 goto drop
  r0 = *(u8 *)skb[9]
  if r0 != 17 goto drop
  r0 = *(u32 *)(r6 + 0)
  exit
drop:
  r0 = 0
  exit`;

const ldabs = (insn: string): string => `r6 = r1\n${insn}\nexit`;

// ---- xdp ----------------------------------------------------------------------------------------

describe('xdp programs in the interpreter', () => {
  it('drops IPv4 and passes everything else (the EtherType read through data/data_end)', () => {
    for (const [pkt, r0, action] of [[PKT_IPV4, 1, 'XDP_DROP'], [PKT_IPV6, 2, 'XDP_PASS'], [PKT_ARP, 2, 'XDP_PASS'], [PKT_MIN, 1, 'XDP_DROP']] as const) {
      const r = runText(DROP_IPV4, { progType: 'xdp', packet: pkt });
      expect(r.fault).toBeNull();
      expect(r.r0).toBe(BigInt(r0));
      expect(r.action).toBe(action);
      expect(r.packet).toEqual(pkt);
    }
    // 4 + 1 + 2 + 1 + 1 + 1 (the exit) = 10 or 11 instructions
    expect(runText(DROP_IPV4, { progType: 'xdp', packet: PKT_IPV4 }).insns).toBe(11);
    expect(runText(DROP_IPV4, { progType: 'xdp', packet: PKT_IPV6 }).insns).toBe(10);
  });

  it('fills struct xdp_md: data_end - data = length, data_meta = data, ingress_ifindex 1, rx_queue_index 0', () => {
    expect(runText(XDP_LEN, { progType: 'xdp', packet: PKT_IPV6 }).r0).toBe(80n);
    expect(runText(XDP_LEN, { progType: 'xdp' }).r0).toBe(BigInt(DEFAULT_PACKET_SIZE));
    expect(runText(XDP_META_GAP, { progType: 'xdp' }).r0).toBe(0n);
    expect(runText('r0 = *(u32 *)(r1 + 12)\nexit', { progType: 'xdp' }).r0).toBe(1n);
    expect(runText('r0 = *(u32 *)(r1 + 16)\nexit', { progType: 'xdp' }).r0).toBe(0n);
    expect(runText('r0 = *(u32 *)(r1 + 12)\nexit', { progType: 'xdp', ingressIfindex: 7 }).r0).toBe(7n);
    expect(runText('r0 = *(u32 *)(r1 + 16)\nexit', { progType: 'xdp', rxQueueIndex: 3 }).r0).toBe(3n);
    // data is a usable pointer: the packet's first byte
    expect(runText('r2 = *(u32 *)(r1 + 0)\nr0 = *(u8 *)(r2 + 0)\nexit', { progType: 'xdp', packet: PKT_IPV4 }).r0).toBe(0x02n);
  });

  it('writes into the packet: swapping MAC addresses (XDP_TX) and decrementing the TTL', () => {
    const swapped = runText(SWAP_MAC, { progType: 'xdp', packet: PKT_IPV4 });
    expect(swapped.fault).toBeNull();
    expect(swapped.action).toBe('XDP_TX');
    expect(hex(swapped.packet!)).toBe(hex(frame(MAC_A, MAC_B, 0x0800, IPV4_HDR)));
    expect(hex(PKT_IPV4.subarray(0, 6))).toBe('02aabbccddee'); // the input is not modified

    const ttl = runText(DEC_TTL, { progType: 'xdp', packet: PKT_IPV4 });
    expect(ttl.action).toBe('XDP_PASS');
    const expected = PKT_IPV4.slice();
    expected[22] = 0x3f;
    expect(ttl.packet).toEqual(expected);
    expect(runText(DEC_TTL, { progType: 'xdp', packet: PKT_MIN })).toMatchObject({ r0: 0n, action: 'XDP_ABORTED', packet: PKT_MIN });
  });

  it('starts every run from the input packet (a reused context, a reset Vm)', () => {
    const c = new ProgramContext({ progType: 'xdp', packet: PKT_IPV4 });
    const vm = new Vm(prog(DEC_TTL), c.runOptions());
    vm.run();
    expect(c.packetOut()![22]).toBe(0x3f);
    vm.reset();
    expect(c.packetOut()![22]).toBe(0x40);
    vm.run();
    expect(c.packetOut()![22]).toBe(0x3f);
    expect(c.ctxAddress).toBeGreaterThan(0);
    expect(c.ctxAddress).toBeLessThan(2 ** 32);
    expect(vm.getReg(1)).toBe(BigInt(c.ctxAddress)); // r1 = the context (the program leaves it alone)
  });

  it('faults in the sandbox on an access beyond data_end (--no-verify); the verifier rejects it', () => {
    const r = runText(OFF_BY_TWO, { progType: 'xdp', packet: PKT_MIN });
    expect(r.fault).toMatchObject({ code: 'E_OUT_OF_BOUNDS', kind: 'out_of_bounds', region: 'packet', pc: 6, size: 4 });
    // with room for the bytes the same program runs fine: the sandbox checks the access, not the proof
    expect(runText(OFF_BY_TWO, { progType: 'xdp', packet: PKT_IPV4 })).toMatchObject({ fault: null, r0: 0x00450008n });
    const v = verify(prog(OFF_BY_TWO), { progType: 'xdp' });
    expect(v.accepted).toBe(false);
    expect(v.error).toMatchObject({ pc: 6, code: 'E_VERIFIER_PKT_ACCESS' });
    expect(v.error!.message).toMatch(/^invalid access to packet, off=12 size=4, R2\(id=0,off=12,r=14\)/);

    const unchecked = runText('r2 = *(u32 *)(r1 + 0)\nr0 = *(u8 *)(r2 + 64)\nexit', { progType: 'xdp' });
    expect(unchecked.fault).toMatchObject({ code: 'E_OUT_OF_BOUNDS', region: 'packet', pc: 1 });
  });

  it('keeps the context read-only for xdp and stops LD_ABS, which has no packet there', () => {
    const w = runText('r2 = 5\n*(u32 *)(r1 + 0) = r2\nr0 = 2\nexit', { progType: 'xdp' });
    expect(w.fault).toMatchObject({ code: 'E_READ_ONLY', region: 'ctx' });
    expect(runText(ldabs('r0 = *(u8 *)skb[0]'), { progType: 'xdp' }).fault).toMatchObject({ code: 'E_UNSUPPORTED' });
  });

  it('names XDP actions', () => {
    expect([0, 1, 2, 3, 4, 5].map((v) => xdpActionName(v))).toEqual(['XDP_ABORTED', 'XDP_DROP', 'XDP_PASS', 'XDP_TX', 'XDP_REDIRECT', null]);
    expect(xdpActionName(0x100000002n)).toBe('XDP_PASS'); // the kernel takes the low 32 bits
    expect(runText('r0 = 9\nexit', { progType: 'xdp' }).action).toBeNull();
  });

  it('refuses packets shorter than an Ethernet header, as the kernel does', () => {
    expect(packetProblem('xdp', new Uint8Array(13))).toMatch(/at least 14 bytes/);
    expect(packetProblem('socket_filter', new Uint8Array(14))).toBeNull();
    expect(packetProblem('xdp', PKT_MIN)).toBeNull();
    // socket filters: the kernel's skb test run also wants a whole IPv4 / IPv6 header
    expect(packetProblem('socket_filter', PKT_MIN)).toMatch(/IPv4 packet for socket_filter must hold the 20-byte IPv4 header .*got 14/);
    expect(packetProblem('socket_filter', frame(MAC_B, MAC_A, 0x0800, [], 33))).toMatch(/got 33/);
    expect(packetProblem('socket_filter', frame(MAC_B, MAC_A, 0x0800, [], 34))).toBeNull();
    expect(packetProblem('socket_filter', frame(MAC_B, MAC_A, 0x86dd, [], 53))).toMatch(/40-byte IPv6 header/);
    expect(packetProblem('socket_filter', frame(MAC_B, MAC_A, 0x86dd, [], 54))).toBeNull();
    expect(() => runText('r0 = 2\nexit', { progType: 'xdp', packet: new Uint8Array(3) })).toThrow(RangeError);
  });

  it('has the xdp packet helpers: xdp_get_buff_len, xdp_load_bytes, xdp_store_bytes', () => {
    expect(runText('call 188\nexit', { progType: 'xdp', packet: PKT_IPV6 }).r0).toBe(80n);
    // bytes 12..15 of the IPv4 frame: 08 00 45 00, read little-endian from the stack
    expect(runText(xdpLoadBytes(12), { progType: 'xdp', packet: PKT_IPV4 }).r0).toBe(0x00450008n);
    // offset + len beyond the packet: -EINVAL; offset above 0xffff: -EFAULT (the buffer untouched)
    expect(runText(xdpLoadBytes(61), { progType: 'xdp' }).r0).toBe(BigInt.asUintN(64, -22n));
    expect(runText(xdpLoadBytes(0x10000), { progType: 'xdp' }).r0).toBe(BigInt.asUintN(64, -14n));
    const st = runText(xdpStoreBytes(14), { progType: 'xdp', packet: PKT_IPV4 });
    expect(st.r0).toBe(0n);
    expect(hex(st.packet!.subarray(12, 20))).toBe('0800deadbeef0001');
    const bad = runText(xdpStoreBytes(62), { progType: 'xdp', packet: PKT_IPV4 });
    expect(bad.r0).toBe(BigInt.asUintN(64, -22n));
    expect(bad.packet).toEqual(PKT_IPV4);
  });

  it('has seeded bpf_get_prandom_u32, get_smp_processor_id = 0 and the simulated ktime_get_ns', () => {
    const two = 'call 7\nr6 = r0\ncall 7\nr0 <<= 32\nr0 |= r6\nexit';
    const a = runText(two, { progType: 'xdp' });
    const b = runText(two, { progType: 'xdp' });
    const c = runText(two, { progType: 'xdp', seed: 42 });
    expect(a.fault).toBeNull();
    expect(a.r0).toBe(b.r0);
    expect(a.r0).not.toBe(c.r0);
    expect(a.r0Lo).not.toBe(a.r0Hi); // two different draws
    expect(runText('call 7\nexit', { progType: 'socket_filter', seed: 42 }).r0).toBe(BigInt(c.r0Lo));
    expect(runText('r0 = 5\ncall 8\nexit', { progType: 'xdp' }).r0).toBe(0n);
    expect(runText('call 5\nr6 = r0\ncall 5\nr0 -= r6\nexit', { progType: 'xdp' }).r0).toBe(2n);
    // a helper the type may not call is not there (the verifier rejects it first)
    expect(runText('call 188\nexit', { progType: 'socket_filter' }).fault).toMatchObject({ kind: 'unknown_helper' });
    // one that needs maps, in a run without them: a fault that says how to give it its maps
    const f = runText('r1 = 0\nr2 = r10\nr2 += -8\ncall 87\nexit', { progType: 'xdp' }).fault;
    expect(f).toMatchObject({ code: 'E_HELPER_UNIMPLEMENTED', kind: 'helper' });
    expect(f!.message).toMatch(/bpf_map_push_elem \(helper 87\) needs maps/);
  });
});

// ---- socket_filter ------------------------------------------------------------------------------

describe('socket_filter programs in the interpreter', () => {
  it('returns skb->len: the packet length minus the 14-byte Ethernet header', () => {
    expect(runText(SKB_LEN, { progType: 'socket_filter' }).r0).toBe(50n);
    expect(runText(SKB_LEN, { progType: 'socket_filter', packet: PKT_HOST_IPV4 }).r0).toBe(86n);
    expect(runText(SKB_LEN, { progType: 'socket_filter', packet: PKT_MIN_ARP }).r0).toBe(0n);
    // narrow loads of a u32 field, as the kernel allows them
    expect(runText('r0 = *(u16 *)(r1 + 0)\nexit', { progType: 'socket_filter', packet: PKT_HOST_IPV4 }).r0).toBe(86n);
  });

  it('fills __sk_buff as eth_type_trans does: protocol (a __be16), pkt_type, ifindex', () => {
    const field = (off: number, pkt: Uint8Array) => runText(`r0 = *(u32 *)(r1 + ${off})\nexit`, { progType: 'socket_filter', packet: pkt }).r0;
    expect(field(16, PKT_IPV4)).toBe(0x0008n); // htons(0x0800) read on a little-endian machine
    expect(field(16, PKT_IPV6)).toBe(0xdd86n);
    expect(field(16, frame(MAC_B, MAC_A, 0x0010))).toBe(0x0400n); // 802.2: ETH_P_802_2
    expect(field(4, PKT_HOST_IPV4)).toBe(0n); // PACKET_HOST: the loopback device's address 00:..:00
    expect(field(4, PKT_ARP)).toBe(2n); // ff:ff:ff:ff:ff:ff: PACKET_MULTICAST on the loopback device
    expect(field(4, PKT_IPV4)).toBe(3n); // PACKET_OTHERHOST
    expect(field(40, PKT_IPV4)).toBe(1n); // ifindex
    expect(field(36, PKT_IPV4)).toBe(0n); // ingress_ifindex
    expect(runText('r0 = *(u8 *)(r1 + 16)\nexit', { progType: 'socket_filter', packet: PKT_IPV6 }).r0).toBe(0x86n);
  });

  it('loads packet bytes with LD_ABS / LD_IND in network byte order, from the network header', () => {
    const sf = (text: string, pkt = PKT_IPV4) => runText(text, { progType: 'socket_filter', packet: pkt });
    expect(sf(ldabs('r0 = *(u8 *)skb[0]')).r0).toBe(0x45n);
    expect(sf(ldabs('r0 = *(u8 *)skb[9]')).r0).toBe(17n); // UDP
    expect(sf(ldabs('r0 = *(u16 *)skb[2]')).r0).toBe(28n); // total length 0x001c
    expect(sf(ldabs('r0 = *(u32 *)skb[12]')).r0).toBe(0xc0a80001n); // 192.168.0.1
    expect(sf('r6 = r1\nr7 = 8\nr0 = *(u8 *)skb[r7 + 1]\nexit').r0).toBe(17n);
    expect(sf(`r6 = r1\nr7 = -1\nr0 = *(u8 *)skb[r7 + 1]\nexit`).r0).toBe(0x45n);
    // SKF_LL_OFF reaches the Ethernet header, SKF_NET_OFF the network header
    expect(sf(ldabs(`r0 = *(u16 *)skb[${SKF_LL_OFF + 12}]`)).r0).toBe(0x0800n);
    expect(sf(ldabs(`r0 = *(u32 *)skb[${SKF_LL_OFF}]`)).r0).toBe(0x02aabbccn);
    expect(sf(ldabs(`r0 = *(u8 *)skb[${SKF_NET_OFF + 9}]`)).r0).toBe(17n);
  });

  it('ends the program with r0 = 0 when LD_ABS reads outside the packet', () => {
    const sf = (text: string) => runText(text, { progType: 'socket_filter', packet: PKT_IPV4 });
    expect(sf(ldabs('r0 = *(u8 *)skb[49]')).r0).toBe(0n); // the last byte (padding) is readable
    expect(sf(ldabs('r0 = *(u8 *)skb[49]')).insns).toBe(3);
    const past = sf('r6 = r1\nr0 = *(u8 *)skb[50]\nr0 = 7\nexit');
    expect(past).toMatchObject({ r0: 0n, insns: 2, fault: null });
    expect(sf('r6 = r1\nr0 = *(u32 *)skb[47]\nr0 = 7\nexit').r0).toBe(0n);
    expect(sf(`r6 = r1\nr0 = *(u8 *)skb[${SKF_LL_OFF - 1}]\nr0 = 7\nexit`).r0).toBe(0n);
    expect(sf('r6 = r1\nr0 = *(u8 *)skb[-1]\nr0 = 7\nexit').r0).toBe(0n);
  });

  it('filters: UDP over IPv4 kept whole, the rest dropped', () => {
    expect(runText(SKB_UDP_ONLY, { progType: 'socket_filter', packet: PKT_IPV4 }).r0).toBe(50n);
    expect(runText(SKB_UDP_ONLY, { progType: 'socket_filter', packet: PKT_IPV6 }).r0).toBe(0n);
    expect(runText(SKB_UDP_ONLY, { progType: 'socket_filter', packet: PKT_ARP }).r0).toBe(0n);
    expect(verify(prog(SKB_UDP_ONLY), { progType: 'socket_filter' }).accepted).toBe(true);
  });

  it('lets a socket filter write cb[] and has no direct packet access', () => {
    expect(runText('r2 = 9\n*(u32 *)(r1 + 48) = r2\nr0 = *(u32 *)(r1 + 48)\nexit', { progType: 'socket_filter' }).r0).toBe(9n);
    expect(runProgram(prog(SKB_LEN), { progType: 'socket_filter' }).packet).toBeNull();
  });
});

// ---- raw stays the conformance convention --------------------------------------------------------

describe('raw programs through runProgram', () => {
  it('gets r1 = memory, r2 = its size, and no packet', () => {
    const r = runText('r0 = *(u8 *)(r1 + 1)\nr0 += r2\nexit', { mem: Uint8Array.from([1, 2, 3]) });
    expect(r).toMatchObject({ r0: 5n, progType: 'raw', packet: null, action: null, fault: null });
  });
});

// ---- the command line ---------------------------------------------------------------------------

describe('bpfbox run --type', () => {
  const ipv4Hex = hex(PKT_IPV4);
  const dropIpv4 = join(ROOT, 'programs', 'examples', 'xdp-drop-ipv4.s');

  it('runs the bundled xdp example after verifying it: r0 = 1 (0x1) XDP_DROP', () => {
    const r = cli(['run', dropIpv4, '--type', 'xdp', '--packet-hex', 'ffffffffffff 000000000001 0800 4500']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^verifier: accepted \(processed \d+ insns\)\n/);
    expect(r.stdout).toContain('r0 = 1 (0x1) XDP_DROP\n');
    expect(r.stdout).toContain('packet: unchanged\n');
    const pass = cli(['run', dropIpv4, '--type', 'xdp', '--packet-hex', hex(PKT_IPV6)]);
    expect(pass.stdout).toContain('r0 = 2 (0x2) XDP_PASS\n');
  });

  it('prints r0, the action and the packet after the run with --json', () => {
    const f = tmpFile('swap.s', SWAP_MAC);
    const r = cli(['run', f, '--type', 'xdp', '--packet-hex', ipv4Hex, '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ type: 'xdp', verified: true, r0: '3', action: 'XDP_TX', fault: null });
    expect(j.verifier).toMatchObject({ accepted: true, error: null });
    expect(j.packet).toBe(hex(frame(MAC_A, MAC_B, 0x0800, IPV4_HDR)));
    const text = cli(['run', f, '--type', 'xdp', '--packet-hex', ipv4Hex]);
    expect(text.stdout).toContain('r0 = 3 (0x3) XDP_TX\n');
    expect(text.stdout).toContain(`packet: ${j.packet}\n`);
  });

  it('reads the packet from a file and defaults to 64 zero bytes', () => {
    const f = tmpFile('len.s', XDP_LEN);
    const pkt = tmpFile('pkt.bin', PKT_IPV6);
    expect(JSON.parse(cli(['run', f, '--type', 'xdp', '--packet', pkt, '--json']).stdout)).toMatchObject({ r0: '80', action: null });
    const def = JSON.parse(cli(['run', f, '--type', 'xdp', '--json']).stdout);
    expect(def.r0).toBe('64');
    expect(def.packet).toBe('00'.repeat(64));
  });

  it('refuses to run a program the verifier rejects, printing the verdict as `verify` does', () => {
    const f = tmpFile('offbytwo.s', OFF_BY_TWO);
    const r = cli(['run', f, '--type', 'xdp', '--packet-hex', hex(PKT_MIN)]);
    expect(r.status).toBe(1);
    const v = cli(['verify', f, '--type', 'xdp']);
    expect(v.status).toBe(1);
    const strip = (s: string) => s.replace(/verification time \d+ usec/, 'verification time T usec');
    expect(strip(r.stdout)).toBe(strip(v.stdout));
    expect(r.stdout).toContain(`rejected at insn 6 (${f}:8): invalid access to packet, off=12 size=4, R2(id=0,off=12,r=14) [E_VERIFIER_PKT_ACCESS]`);
    expect(r.stdout).not.toContain('r0 =');
    expect(r.stderr).toMatch(/not run: the verifier rejected the program/);

    const j = JSON.parse(cli(['run', f, '--type', 'xdp', '--json']).stdout);
    expect(j).toMatchObject({ type: 'xdp', verified: false, r0: null, insns: null, fault: null, action: null, packet: null });
    expect(j.verifier).toMatchObject({ accepted: false, error: { pc: 6, code: 'E_VERIFIER_PKT_ACCESS' } });
  });

  it('runs a rejected program in the sandbox with --no-verify: the access beyond data_end faults', () => {
    const f = tmpFile('offbytwo2.s', OFF_BY_TWO);
    const r = cli(['run', f, '--type', 'xdp', '--packet-hex', hex(PKT_MIN), '--no-verify']);
    expect(r.status).toBe(1);
    expect(r.stdout).not.toContain('verifier');
    expect(r.stdout).toMatch(/^fault: load of 4 bytes at 0x[0-9a-f]+ is outside region "packet" .* at insn 6 .*\[E_OUT_OF_BOUNDS\]$/m);
    const j = JSON.parse(cli(['run', f, '--type', 'xdp', '--packet-hex', hex(PKT_MIN), '--no-verify', '--json']).stdout);
    expect(j).toMatchObject({ type: 'xdp', verified: null, action: null, packet: hex(PKT_MIN) });
    expect(j.fault).toMatchObject({ code: 'E_OUT_OF_BOUNDS', region: 'packet', pc: 6 });
    expect(j.verifier).toBeUndefined();
  });

  it('rejects undecodable bytes as the verifier does (exit 1), not as unreadable input', () => {
    const f = tmpFile('bad.hex', '8d 00 00 00 00 00 00 00\n95 00 00 00 00 00 00 00\n');
    const r = cli(['run', f, '--type', 'socket_filter', '--json']);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).verifier.error).toMatchObject({ pc: 0, message: 'unknown opcode 8d' });
  });

  it('runs socket filters: skb->len and LD_ABS', () => {
    const f = tmpFile('udp.s', SKB_UDP_ONLY);
    const r = cli(['run', f, '--type', 'socket_filter', '--packet-hex', ipv4Hex]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('r0 = 50 (0x32) keep 50 of 50 bytes\n');
    const d = cli(['run', f, '--type', 'socket_filter', '--packet-hex', hex(PKT_ARP), '--json']);
    expect(JSON.parse(d.stdout)).toMatchObject({ type: 'socket_filter', verified: true, r0: '0', fault: null });
    expect(cli(['run', f, '--type', 'socket_filter', '--packet-hex', hex(PKT_ARP)]).stdout).toContain('r0 = 0 (0x0) drop\n');
  });

  it('keeps raw runs as they were: no verification unless --verify', () => {
    const fib = join(ROOT, 'programs', 'examples', 'fib.s');
    expect(cli(['run', fib, '--json']).stdout).toBe('{"r0":"12586269025","insns":304,"fault":null}\n');
    const v = JSON.parse(cli(['run', fib, '--verify', '--json']).stdout);
    expect(v).toMatchObject({ type: 'raw', verified: true, r0: '12586269025' });
    const oob = join(ROOT, 'programs', 'examples', 'out-of-bounds.s');
    const rej = cli(['run', oob, '--mem', '01 02 03 04', '--verify', '--json']);
    expect(rej.status).toBe(1);
    expect(JSON.parse(rej.stdout)).toMatchObject({ verified: false, r0: null });
  });

  it('checks its flags (exit 2, one line, no stack trace)', async () => {
    const f = tmpFile('two.s', 'r0 = 2\nexit\n');
    const cases: [string[], RegExp][] = [
      [['--type', 'xdp', '--packet-hex', '0011'], /at least 14 bytes.*got 2 \[E_PACKET\]/],
      [['--type', 'xdp', '--packet-hex', 'zz'], /not a hex byte/],
      [['--type', 'xdp', '--packet-hex', '00', '--packet', f], /either --packet-hex or --packet/],
      [['--type', 'xdp', '--mem', '00'], /--mem and --mem-file are for raw programs/],
      [['--packet-hex', ipv4Hex], /are for --type xdp or socket_filter/],
      [['--type', 'xdp', '--packet', join(tmp, 'missing.bin')], /missing\.bin/],
      [['--type', 'tc'], /Invalid values/],
      [['--type', 'xdp', '--seed', '1.5'], /--seed must be an integer/],
    ];
    for (const [args, pattern] of cases) {
      // yield between the blocking spawns: a worker that never yields misses the runner's replies
      await new Promise((resolve) => setImmediate(resolve));
      const r = cli(['run', f, ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(hasStackTrace(r.stderr + r.stdout)).toBe(false);
    }
  });
});

// ---- agreement with the running kernel ----------------------------------------------------------

const avail = kernelAvailable();
if (!avail.ok) {
  console.warn(`\n*** kernel test-run comparisons are SKIPPED: ${avail.reason} ***\n`);
}

describe.skipIf(!avail.ok)('agreement with the kernel (BPF_PROG_TEST_RUN)', () => {
  const packets = [
    PKT_IPV4, PKT_IPV6, PKT_ARP, PKT_MIN, PKT_MIN_ARP, PKT_HOST_IPV4, frame(MAC_B, MAC_A, 0x0010, [0xff, 0xff, 1, 2]),
    frame([0x01, 0x00, 0x5e, 0, 0, 1], MAC_A, 0x0800, IPV4_HDR, 34),
  ];
  const usable = (type: 'xdp' | 'socket_filter') => packets.filter((p) => packetProblem(type, p) === null);

  function compare(type: 'xdp' | 'socket_filter', text: string, packet: Uint8Array, checkPacket: boolean): void {
    const bytes = asm(text);
    const ours = runProgram(prog(text), { progType: type, packet });
    const v = verify(prog(text), { progType: type });
    const k = kernelTestRun(bytes, { progType: type, packet });
    const what = `${type} program\n${text}\non ${hex(packet)}`;
    expect(k.verdict.accepted, what).toBe(true);
    expect(v.accepted, what).toBe(true);
    expect(k.run!.errno, what).toBe(0);
    expect(ours.fault, what).toBeNull();
    expect(ours.r0Lo, what).toBe(k.run!.retval);
    if (checkPacket) expect(hex(ours.packet!), what).toBe(hex(k.run!.dataOut));
  }

  it('refuses the packets the kernel refuses (EINVAL), and only those', () => {
    const short = [
      new Uint8Array(13), PKT_MIN, frame(MAC_B, MAC_A, 0x0800, [], 33), frame(MAC_B, MAC_A, 0x86dd, [], 53),
      frame(MAC_B, MAC_A, 0x86dd, [], 54), frame(MAC_B, MAC_A, 0x0806, [], 14),
    ];
    const bytes = asm('r0 = 2\nexit');
    for (const type of ['xdp', 'socket_filter'] as const) {
      for (const p of [...short, ...packets]) {
        const k = kernelTestRun(bytes, { progType: type, packet: p });
        expect(k.run!.errnoName, `${type} on ${p.length} bytes ${hex(p)}`).toBe(packetProblem(type, p) === null ? '' : 'EINVAL');
      }
    }
  });

  const XDP_PROGRAMS: [string, string][] = [
    ['drop IPv4', DROP_IPV4],
    ['swap MACs', SWAP_MAC],
    ['decrement TTL', DEC_TTL],
    ['length', XDP_LEN],
    ['data - data_meta', XDP_META_GAP],
    ['ingress_ifindex', 'r0 = *(u32 *)(r1 + 12)\nexit'],
    ['rx_queue_index', 'r0 = *(u32 *)(r1 + 16)\nexit'],
    ['xdp_get_buff_len', 'call 188\nexit'],
    ['xdp_load_bytes at 12', xdpLoadBytes(12)],
    ['xdp_load_bytes past the end', xdpLoadBytes(40, 8)],
    ['xdp_load_bytes offset > 0xffff', xdpLoadBytes(0x10000)],
    ['xdp_store_bytes at 14', xdpStoreBytes(14)],
    ['xdp_store_bytes past the end', xdpStoreBytes(39)],
  ];

  for (const [name, text] of XDP_PROGRAMS) {
    it(`xdp: ${name} — same r0 and output packet on ${usable('xdp').length} packets`, () => {
      for (const p of usable('xdp')) compare('xdp', text, p, true);
    });
  }

  const SKB_PROGRAMS: [string, string][] = [
    ['skb->len', SKB_LEN],
    ['UDP only', SKB_UDP_ONLY],
    ...[0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 68, 84, 164, 176].map((off): [string, string] =>
      [`__sk_buff field at ${off}`, `r0 = *(u32 *)(r1 + ${off})\nexit`]),
    ['narrow protocol loads', 'r0 = *(u8 *)(r1 + 16)\nr2 = *(u16 *)(r1 + 16)\nr0 <<= 16\nr0 |= r2\nexit'],
    ['LD_ABS bytes', 'r6 = r1\nr0 = *(u8 *)skb[0]\nr7 = r0\nr0 = *(u8 *)skb[9]\nr7 <<= 8\nr0 |= r7\nexit'],
    ['LD_ABS u16', ldabs('r0 = *(u16 *)skb[2]')],
    ['LD_ABS u32', ldabs('r0 = *(u32 *)skb[12]')],
    ['LD_ABS last byte', `r6 = r1\nr0 = *(u8 *)skb[35]\nr0 += 1\nexit`],
    ['LD_ABS past the end', 'r6 = r1\nr0 = *(u8 *)skb[50]\nr0 = 7\nexit'],
    ['LD_ABS SKF_LL_OFF', `r6 = r1\nr0 = *(u32 *)skb[${SKF_LL_OFF + 10}]\nexit`],
    ['LD_ABS SKF_NET_OFF', `r6 = r1\nr0 = *(u16 *)skb[${SKF_NET_OFF + 1}]\nr0 += 1\nexit`],
    ['LD_ABS below SKF_LL_OFF', `r6 = r1\nr0 = *(u8 *)skb[${SKF_LL_OFF - 1}]\nr0 = 7\nexit`],
    ['LD_IND', 'r6 = r1\nr7 = 6\nr0 = *(u16 *)skb[r7 + 3]\nr0 += 1\nexit'],
    ['LD_IND with a 64-bit index', 'r6 = r1\nr7 = 0x100000000 ll\nr0 = *(u8 *)skb[r7 + 3]\nr0 += 1\nexit'],
  ];

  for (const [name, text] of SKB_PROGRAMS) {
    it(`socket_filter: ${name} — same r0 on ${usable('socket_filter').length} packets`, () => {
      for (const p of usable('socket_filter')) compare('socket_filter', text, p, false);
    });
  }
});
