// The C programs of programs/ (compiled by clang-19, committed as objects): each loads in
// bpfbox, verifies, and runs with the results worked out by hand below; with the kernel, each
// loads in Linux too, and BPF_PROG_TEST_RUN of every packet gives the same return value, output
// packet and map contents as bpfbox's ObjectRuntime (differential test).

import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { loadObject } from '../src/elf/index.js';
import type { LoadedObject } from '../src/elf/types.js';
import { type KernelMapDump, kernelAvailable, kernelRunObject, sumPerCpu } from '../src/oracle/index.js';
import { ObjectRuntime } from '../src/runtime/object.js';
import type { ProgTypeName } from '../src/runtime/progtypes.js';
import { verify } from '../src/verifier/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PROGRAMS = join(ROOT, 'programs', 'c');
const OBJECTS = readdirSync(PROGRAMS).filter((f) => f.endsWith('.o')).sort();

const kernel = kernelAvailable();
if (!kernel.ok) console.log(`programs.test: kernel comparisons skipped: ${kernel.reason}`);

// ---- packets ------------------------------------------------------------------------------------

const XDP_ABORTED = 0;
const XDP_DROP = 1;
const XDP_PASS = 2;

const ip4 = (s: string): number[] => s.split('.').map(Number);
const be16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];
const MAC_DST = [0x02, 0, 0, 0, 0, 0x02];
const MAC_SRC = [0x02, 0, 0, 0, 0, 0x01];

function ether(type: number, payload: number[], macs: number[] = [...MAC_DST, ...MAC_SRC]): Uint8Array {
  return Uint8Array.from([...macs, ...be16(type), ...payload]);
}

function checksum(bytes: number[]): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}

interface Ip4 { src: string; dst: string; proto: number; payload: number[]; options?: number[]; fragOff?: number; macs?: number[] }

function ipv4({ src, dst, proto, payload, options = [], fragOff = 0, macs }: Ip4): Uint8Array {
  const ihl = 5 + options.length / 4;
  if (!Number.isInteger(ihl)) throw new Error('options must be whole words');
  const hdr = [0x40 | ihl, 0, ...be16(ihl * 4 + payload.length), 0x12, 0x34, ...be16(fragOff), 64, proto, 0, 0,
    ...ip4(src), ...ip4(dst), ...options];
  const c = checksum(hdr);
  hdr[10] = c >> 8;
  hdr[11] = c & 0xff;
  return ether(0x0800, [...hdr, ...payload], macs);
}

/** An 802.1Q-tagged copy of a frame (VLAN 5). */
function vlan(frame: Uint8Array): Uint8Array {
  return Uint8Array.from([...frame.slice(0, 12), 0x81, 0x00, 0x00, 0x05, ...frame.slice(12)]);
}

const TCP = 6;
const UDP = 17;
const ICMP = 1;
const SYN = 0x02;
const ACK = 0x10;

function tcp(sport: number, dport: number, flags: number): number[] {
  return [...be16(sport), ...be16(dport), 0, 0, 0, 1, 0, 0, 0, 0, 0x50, flags, ...be16(64240), 0, 0, 0, 0];
}
function udp(sport: number, dport: number, data: number[] = [1, 2, 3, 4]): number[] {
  return [...be16(sport), ...be16(dport), ...be16(8 + data.length), 0, 0, ...data];
}
/** An ICMP echo request (8) or reply (0), its checksum computed over the whole message. */
function icmp(type: number, data: number[] = [0x62, 0x70, 0x66, 0x62, 0x6f, 0x78]): number[] {
  const msg = [type, 0, 0, 0, 0x12, 0x34, 0, 1, ...data];
  const c = checksum(msg);
  msg[2] = c >> 8;
  msg[3] = c & 0xff;
  return msg;
}
const icmpEcho = icmp(8, []);

function ipv6Udp(): Uint8Array {
  const src = [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1];
  const dst = [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 2];
  const payload = udp(5353, 53);
  return ether(0x86dd, [0x60, 0, 0, 0, ...be16(payload.length), UDP, 64, ...src, ...dst, ...payload]);
}
const arp = ether(0x0806, [0, 1, 8, 0, 6, 4, 0, 1, ...MAC_SRC, ...ip4('10.0.0.1'), 0, 0, 0, 0, 0, 0, ...ip4('10.0.0.2')]);
/** An IPv4 frame cut inside its IP header. */
const truncatedIpv4 = ipv4({ src: '10.0.0.66', dst: '10.0.0.2', proto: UDP, payload: udp(1, 53) }).slice(0, 14 + 12);

const A = '10.0.0.1';
const B = '10.0.0.2';
const EVIL = '192.0.2.66';

const u32le = (n: number): Uint8Array => Uint8Array.from([n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff]);
const u64le = (n: number): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
};
/** An IPv4 address as a map key: network byte order in memory. */
const addrKey = (s: string): Uint8Array => Uint8Array.from(ip4(s));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// ---- objects ------------------------------------------------------------------------------------

const objects = new Map<string, LoadedObject>();
function object(file: string): LoadedObject {
  let o = objects.get(file);
  if (!o) {
    const r = loadObject(readFileSync(join(PROGRAMS, file)), { file });
    if (!r.ok) throw new Error(`${file}: ${JSON.stringify(r.errors)}`);
    o = r.value;
    objects.set(file, o);
  }
  return o;
}

function progTypeOf(obj: LoadedObject, name: string): ProgTypeName {
  const p = obj.programs.find((x) => x.name === name)!;
  return p.kernelType as ProgTypeName;
}

// ---- scenarios ----------------------------------------------------------------------------------

interface Scenario {
  title: string;
  file: string;
  program: string;
  packets: Uint8Array[];
  /** map name -> entries (program arrays: u32 index of the target program in the object) */
  fill?: Record<string, { key: Uint8Array; value: Uint8Array }[]>;
  /** hand-computed return values, one per packet */
  retvals: number[];
  /** hand-computed map contents after the last packet (normalized as by normalize()) */
  maps?: Record<string, Record<string, string>>;
  /** hand-computed ring buffer records */
  records?: Record<string, string[]>;
  /** xdp: hand-computed output packets (default: the input, unchanged) */
  outputs?: Uint8Array[];
}

function statsValue(packets: number, bytes: number): string {
  return hex(u64le(packets)) + hex(u64le(bytes));
}

const firewallPackets = [
  ipv4({ src: A, dst: B, proto: TCP, payload: tcp(40000, 80, SYN) }),
  ipv4({ src: EVIL, dst: B, proto: UDP, payload: udp(40000, 53) }),
  ipv4({ src: EVIL, dst: B, proto: ICMP, payload: icmpEcho }),
  ipv6Udp(),
  truncatedIpv4,
  arp,
];

const counterPackets = [
  ipv4({ src: A, dst: B, proto: TCP, payload: tcp(40000, 80, SYN) }), // 54 bytes
  ipv4({ src: A, dst: B, proto: UDP, payload: udp(40000, 53) }), // 46
  ipv4({ src: B, dst: A, proto: UDP, payload: udp(53, 40000, new Array(20).fill(7)) }), // 62
  ipv4({ src: A, dst: B, proto: ICMP, payload: icmpEcho }), // 42
  ipv6Udp(), // 66
  truncatedIpv4, // 26
];

const routerAlert = [0x94, 0x04, 0x00, 0x00];
const synPackets = [
  ...Array.from({ length: 5 }, () => ipv4({ src: EVIL, dst: B, proto: TCP, payload: tcp(40000, 80, SYN) })),
  ipv4({ src: A, dst: B, proto: TCP, payload: tcp(40001, 80, SYN), options: routerAlert }),
  ipv4({ src: EVIL, dst: B, proto: TCP, payload: tcp(80, 40000, SYN | ACK) }),
  // an option claiming 8 bytes in a 4-byte options area: not parsed, passes uncounted
  ipv4({ src: '10.9.9.9', dst: B, proto: TCP, payload: tcp(1, 80, SYN), options: [0x07, 0x08, 0x04, 0x00] }),
  // an option length of 1 is malformed
  ipv4({ src: '10.9.9.8', dst: B, proto: TCP, payload: tcp(1, 80, SYN), options: [0x07, 0x01, 0x00, 0x00] }),
  // 40 bytes of options: 36 NOPs, then a 4-byte router alert (the loop's longest walk)
  ipv4({ src: '10.7.7.7', dst: B, proto: TCP, payload: tcp(2, 80, SYN), options: [...new Array(36).fill(1), ...routerAlert] }),
  ipv6Udp(),
  ipv4({ src: A, dst: B, proto: UDP, payload: udp(1, 2) }),
];

const loggerPackets = [
  ipv4({ src: A, dst: B, proto: TCP, payload: tcp(40000, 80, SYN) }),
  ipv6Udp(),
  ipv4({ src: B, dst: A, proto: UDP, payload: udp(53, 40000) }),
  arp,
  ipv4({ src: EVIL, dst: B, proto: ICMP, payload: icmpEcho }),
];
function event(src: string, dst: string, len: number, proto: number): string {
  return hex(Uint8Array.from([...ip4(src), ...ip4(dst), ...u32le(len), proto, 0, 0, 0]));
}

const dispatchPackets = [
  ipv4({ src: A, dst: B, proto: TCP, payload: tcp(40000, 80, SYN) }),
  ipv4({ src: A, dst: B, proto: TCP, payload: tcp(40000, 23, SYN) }),
  ipv4({ src: A, dst: B, proto: UDP, payload: udp(40000, 53) }),
  ipv4({ src: A, dst: B, proto: UDP, payload: udp(40000, 0) }),
  ipv4({ src: A, dst: B, proto: ICMP, payload: icmpEcho }),
  ipv4({ src: A, dst: B, proto: TCP, payload: tcp(40000, 23, SYN), options: routerAlert }),
  ipv6Udp(),
];

const dnsQuery = ipv4({ src: A, dst: B, proto: UDP, payload: udp(40000, 53, new Array(29).fill(0x61)) });
const dnsWithOptions = ipv4({ src: A, dst: B, proto: UDP, payload: udp(40000, 53), options: routerAlert });
const filterPackets = [
  dnsQuery,
  ipv4({ src: A, dst: B, proto: TCP, payload: tcp(40000, 53, SYN) }),
  ipv4({ src: A, dst: B, proto: UDP, payload: udp(40000, 54) }),
  ipv4({ src: B, dst: A, proto: UDP, payload: udp(53, 40000) }),
  dnsWithOptions,
  ipv4({ src: A, dst: B, proto: UDP, payload: udp(40000, 53), fragOff: 0x0010 }), // a later fragment
  ipv6Udp(),
  arp,
];

/** What loop_stats computes: the sum of the first 16 bytes (fewer in a shorter packet). */
function sum16(p: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < Math.min(16, p.length); i++) s += p[i]!;
  return s;
}
const loopPackets = [
  ipv4({ src: A, dst: B, proto: UDP, payload: udp(1, 2) }),
  Uint8Array.from([...MAC_DST, ...MAC_SRC, 0x08, 0x00]), // 14 bytes: the loop stops at the end
  ether(0x0800, [0x45, 0x01, 0xff, 0xff]),
  arp,
];

const ping = ipv4({ src: A, dst: B, proto: ICMP, payload: icmp(8) });
/** What xdp_rewrite sends back: addresses swapped, an echo reply with its checksum computed afresh. */
const pong = ipv4({ src: B, dst: A, proto: ICMP, payload: icmp(0), macs: [...MAC_SRC, ...MAC_DST] });
const udpFrame = ipv4({ src: A, dst: B, proto: UDP, payload: udp(40000, 53) });
const rewritePackets = [
  ping,
  vlan(ping),
  pong, // a reply is not answered
  vlan(udpFrame),
  ipv4({ src: A, dst: B, proto: TCP, payload: tcp(40000, 80, SYN) }),
  vlan(Uint8Array.from([...MAC_DST, ...MAC_SRC, 0x08, 0x00])), // 18 bytes: the tag goes, nothing after it
  Uint8Array.from([...MAC_DST, ...MAC_SRC, 0x81, 0x00, 0x00]), // 15 bytes: a tag cut short
];

const SCENARIOS: Scenario[] = [
  {
    title: 'ping answered in place (XDP_TX), VLAN tags removed with bpf_xdp_adjust_head',
    file: 'xdp_rewrite.o',
    program: 'xdp_rewrite',
    packets: rewritePackets,
    retvals: [3, 3, XDP_PASS, XDP_PASS, XDP_PASS, XDP_PASS, XDP_ABORTED],
    outputs: [pong, pong, pong, udpFrame, rewritePackets[4]!, Uint8Array.from([...MAC_DST, ...MAC_SRC, 0x08, 0x00]), rewritePackets[6]!],
    maps: { replies: { [hex(u32le(0))]: hex(u64le(2)) } },
  },
  {
    title: 'blocked source dropped and counted; others pass',
    file: 'xdp_firewall.o',
    program: 'xdp_firewall',
    packets: firewallPackets,
    fill: { blocked: [{ key: addrKey(EVIL), value: u64le(0) }] },
    retvals: [XDP_PASS, XDP_DROP, XDP_DROP, XDP_PASS, XDP_PASS, XDP_PASS],
    maps: { blocked: { [hex(addrKey(EVIL))]: hex(u64le(2)) } },
  },
  {
    title: 'firewall with an empty block list passes everything',
    file: 'xdp_firewall.o',
    program: 'xdp_firewall',
    packets: firewallPackets,
    retvals: firewallPackets.map(() => XDP_PASS),
    maps: { blocked: {} },
  },
  {
    title: 'packets and bytes per protocol (per-CPU sums)',
    file: 'proto_counter.o',
    program: 'proto_counter',
    packets: counterPackets,
    retvals: counterPackets.map(() => XDP_PASS),
    maps: {
      stats: {
        [hex(u32le(TCP))]: statsValue(1, 54),
        [hex(u32le(UDP))]: statsValue(2, 46 + 62),
        [hex(u32le(ICMP))]: statsValue(1, 42),
        [hex(u32le(255))]: statsValue(2, 66 + 26),
      },
    },
  },
  {
    title: 'SYN flood: the fourth SYN from a source is dropped; options walked',
    file: 'syn_flood_guard.o',
    program: 'syn_flood_guard',
    packets: synPackets,
    retvals: [XDP_PASS, XDP_PASS, XDP_PASS, XDP_DROP, XDP_DROP, XDP_PASS, XDP_PASS, XDP_PASS, XDP_PASS, XDP_PASS,
      XDP_PASS, XDP_PASS],
    maps: {
      syn_count: {
        [hex(addrKey(EVIL))]: hex(u64le(5)),
        [hex(addrKey(A))]: hex(u64le(1)),
        [hex(addrKey('10.7.7.7'))]: hex(u64le(1)),
      },
    },
  },
  {
    title: 'ring buffer events for IPv4 packets, in order',
    file: 'ringbuf_logger.o',
    program: 'ringbuf_logger',
    packets: loggerPackets,
    retvals: loggerPackets.map(() => XDP_PASS),
    records: {
      events: [event(A, B, 54, TCP), event(B, A, 46, UDP), event(EVIL, B, 42, ICMP)],
    },
  },
  {
    title: 'tail calls to the TCP and UDP stages',
    file: 'tail_dispatch.o',
    program: 'dispatcher',
    packets: dispatchPackets,
    fill: { jump_table: [{ key: u32le(0), value: u32le(1) }, { key: u32le(1), value: u32le(2) }] },
    retvals: [XDP_PASS, XDP_DROP, XDP_PASS, XDP_DROP, XDP_PASS, XDP_PASS, XDP_PASS],
    maps: {
      jump_table: { [hex(u32le(0))]: hex(u32le(1)), [hex(u32le(1))]: hex(u32le(2)) },
      stage_hits: { [hex(u32le(0))]: hex(u64le(2)), [hex(u32le(1))]: hex(u64le(2)), [hex(u32le(2))]: hex(u64le(3)) },
    },
  },
  {
    title: 'an empty program-array slot falls through to the default action',
    file: 'tail_dispatch.o',
    program: 'dispatcher',
    packets: dispatchPackets,
    fill: { jump_table: [{ key: u32le(0), value: u32le(1) }] },
    retvals: [XDP_PASS, XDP_DROP, XDP_PASS, XDP_PASS, XDP_PASS, XDP_PASS, XDP_PASS],
    maps: {
      jump_table: { [hex(u32le(0))]: hex(u32le(1)) },
      stage_hits: { [hex(u32le(0))]: hex(u64le(2)), [hex(u32le(2))]: hex(u64le(5)) },
    },
  },
  {
    title: 'a stage run directly sees the whole packet (XDP_ABORTED when it is not IPv4)',
    file: 'tail_dispatch.o',
    program: 'udp_stage',
    packets: [dispatchPackets[2]!, dispatchPackets[3]!, ipv6Udp()],
    retvals: [XDP_PASS, XDP_DROP, XDP_ABORTED],
    maps: { jump_table: {}, stage_hits: { [hex(u32le(1))]: hex(u64le(3)) } },
  },
  {
    title: 'socket filter keeps DNS queries (skb->len bytes: from the IP header on)',
    file: 'sock_filter.o',
    program: 'sock_filter',
    packets: filterPackets,
    retvals: [dnsQuery.length - 14, 0, 0, 0, dnsWithOptions.length - 14, 0, 0, 0],
  },
  {
    title: 'bpf_loop sums the first bytes; global data counts packets',
    file: 'loop_stats.o',
    program: 'loop_stats',
    packets: loopPackets,
    retvals: loopPackets.map((p) => (sum16(p) & 1 ? XDP_DROP : XDP_PASS)),
    maps: {
      '.bss': { [hex(u32le(0))]: hex(u64le(loopPackets.length)) + hex(u32le(sum16(loopPackets[3]!))) },
      // bytes_to_sum = 16, drop_odd = 1
      '.rodata': { [hex(u32le(0))]: hex(Uint8Array.from([16, 0, 0, 0, 1])) },
    },
  },
];

// ---- normalized map contents --------------------------------------------------------------------

interface Normalized {
  maps: Record<string, Record<string, string>>;
  records: Record<string, string[]>;
}

const ARRAY_LIKE = new Set(['array', 'percpu_array', 'prog_array']);

/**
 * Map contents both sides can be compared on: entries by key (hex) in key order; arrays without
 * their all-zero entries (the kernel lists every index); per-CPU values summed over the CPUs
 * (bpfbox runs on its CPU 0, the kernel's test run on whichever CPU it is on).
 */
function normalize(dumps: { name: string; type: string; entries: { key: Uint8Array; value: Uint8Array }[]; records?: Uint8Array[] }[]): Normalized {
  const out: Normalized = { maps: {}, records: {} };
  for (const d of dumps) {
    if (d.type === 'ringbuf') {
      out.records[d.name] = (d.records ?? []).map(hex);
      continue;
    }
    const m: Record<string, string> = {};
    const sorted = [...d.entries].sort((a, b) => hex(a.key).localeCompare(hex(b.key)));
    for (const e of sorted) {
      if (ARRAY_LIKE.has(d.type) && d.type !== 'prog_array' && e.value.every((x) => x === 0)) continue;
      m[hex(e.key)] = hex(e.value);
    }
    out.maps[d.name] = m;
  }
  return out;
}

function bpfboxDumps(rt: ObjectRuntime): Parameters<typeof normalize>[0] {
  return rt.maps.maps.map((m) => {
    if (m.def.type === 'ringbuf') return { name: m.def.name, type: m.def.type, entries: [], records: m.consume ? m.consume() : [] };
    const entries = m.entries().map((e) => ({
      key: e.key,
      value: e.perCpu ? sumPerCpu(e.perCpu, m.def.valueSize) : e.value,
    }));
    return { name: m.def.name, type: m.def.type, entries };
  });
}

interface BpfboxRun {
  retvals: number[];
  packets: (Uint8Array | null)[];
  faults: (string | null)[];
  maps: Normalized;
  /** with perPacket: the maps after each packet (ring buffers consumed at each read) */
  perPacket: Normalized[];
}

function runInBpfbox(s: Scenario, perPacket = false): BpfboxRun {
  const obj = object(s.file);
  const rt = new ObjectRuntime(obj, { cpus: 2 });
  for (const [name, entries] of Object.entries(s.fill ?? {})) {
    const m = rt.maps.get(name);
    if (!m) throw new Error(`no map ${name}`);
    for (const e of entries) expect(m.update(e.key, e.value, 0)).toBe(0);
  }
  const type = progTypeOf(obj, s.program);
  const dumps: Normalized[] = [];
  const results = s.packets.map((packet) => {
    const r = rt.run(s.program, type, { packet });
    if (perPacket) dumps.push(normalize(bpfboxDumps(rt)));
    return r;
  });
  return {
    perPacket: dumps,
    retvals: results.map((r) => r.r0Lo),
    packets: results.map((r) => r.packet),
    faults: results.map((r) => (r.fault ? `${r.fault.code} at ${r.fault.pc}: ${r.fault.message}` : null)),
    maps: normalize(bpfboxDumps(rt)),
  };
}

function pick(n: Normalized, s: Scenario): { maps: Record<string, Record<string, string>>; records: Record<string, string[]> } {
  const maps: Record<string, Record<string, string>> = {};
  for (const k of Object.keys(s.maps ?? {})) maps[k] = n.maps[k] ?? {};
  const records: Record<string, string[]> = {};
  for (const k of Object.keys(s.records ?? {})) records[k] = n.records[k] ?? [];
  return { maps, records };
}

// ---- tests --------------------------------------------------------------------------------------

describe('programs/ objects', () => {
  it('the build script and the objects are all there', () => {
    expect(OBJECTS).toEqual([
      'kprobe_exec.o', 'loop_stats.o', 'proto_counter.o', 'ringbuf_logger.o', 'sock_filter.o', 'syn_flood_guard.o',
      'tail_dispatch.o', 'xdp_firewall.o', 'xdp_rewrite.o',
    ]);
    for (const o of OBJECTS) expect(readFileSync(join(PROGRAMS, o.replace(/\.o$/, '.c')), 'utf8')).toMatch(/SPDX-License-Identifier: MIT/);
  });

  const clang = spawnSync('clang-19', ['--version'], { encoding: 'utf8' });
  const clangReason = clang.status === 0 ? null : 'clang-19 is not installed';
  if (clangReason) console.log(`programs.test: rebuild check skipped: ${clangReason}`);
  it.skipIf(clangReason !== null)('programs/build.sh --check rebuilds every object byte for byte', () => {
    const r = spawnSync('sh', [join(ROOT, 'programs', 'build.sh'), '--check'], { encoding: 'utf8' });
    expect(r.stdout.split('\n').filter((l) => l !== '').sort()).toEqual(OBJECTS.map((o) => `same     ${o}`));
    expect(r.status).toBe(0);
  }, 60_000);

  for (const file of OBJECTS) {
    it(`${file}: loads and every program verifies in bpfbox`, () => {
      const obj = object(file);
      expect(obj.programs.length).toBeGreaterThan(0);
      for (const p of obj.programs) {
        const type = progTypeOf(obj, p.name);
        expect(['xdp', 'socket_filter', 'kprobe']).toContain(type);
        const v = verify(p.program, { progType: type, maps: obj.maps });
        expect(v.error?.message ?? null, `${file} ${p.name}`).toBeNull();
        expect(v.accepted).toBe(true);
      }
    }, 60_000);

    it.skipIf(!kernel.ok)(`${file}: every program loads in the kernel, after as many instructions as in bpfbox`, () => {
      const obj = object(file);
      for (const p of obj.programs) {
        const r = kernelRunObject(obj, { program: p.name, packets: [] });
        expect(r.ok ? '' : `${r.reason}\n${r.loads.map((l) => l.logTail).join('\n')}`, `${file} ${p.name}`).toBe('');
        // bpf_prog_info.verified_insns is the kernel's `processed N insns`
        const bpfbox = verify(p.program, { progType: progTypeOf(obj, p.name), maps: obj.maps });
        expect(bpfbox.stats.processedInsns, `${file} ${p.name}`).toBe(r.loads[0]!.verifiedInsns);
      }
    }, 60_000);
  }
});

describe('programs/: bpfbox runs match hand-computed results', () => {
  for (const s of SCENARIOS) {
    it(`${s.file} ${s.program}: ${s.title}`, () => {
      const b = runInBpfbox(s);
      expect(b.faults).toEqual(s.packets.map(() => null));
      expect(b.retvals).toEqual(s.retvals);
      expect(pick(b.maps, s)).toEqual({ maps: s.maps ?? {}, records: s.records ?? {} });
      if (progTypeOf(object(s.file), s.program) === 'xdp') {
        b.packets.forEach((p, i) => expect(p && hex(p), `packet ${i}`).toBe(hex((s.outputs ?? s.packets)[i]!)));
      }
    });
  }

  it('kprobe_exec: counts calls per pid and prints the arguments', () => {
    const obj = object('kprobe_exec.o');
    const rt = new ObjectRuntime(obj);
    const regs = [BigInt.asUintN(64, -100n), 0xffff888012345678n, 0xffffc90000abcdefn];
    const first = rt.run('kprobe_exec', 'kprobe', { regs });
    const second = rt.run('kprobe_exec', 'kprobe', { regs, task: { pid: 4243, tgid: 4242 } });
    const other = rt.run('kprobe_exec', 'kprobe', { regs: [3, 0x1000, 0], task: { pid: 77, tgid: 77 } });
    for (const r of [first, second, other]) {
      expect(r.fault).toBeNull();
      expect(r.r0).toBe(0n);
    }
    expect(first.printk).toEqual(['openat2 dfd=-100 filename=ffff888012345678 how=ffffc90000abcdef']);
    expect(other.printk).toEqual(['openat2 dfd=3 filename=1000 how=0']);
    const m = rt.maps.get('open_calls')!;
    // the key is the tgid (the upper half of bpf_get_current_pid_tgid)
    expect(hex(m.lookup(u32le(4242))!)).toBe(hex(u64le(2)));
    expect(hex(m.lookup(u32le(77))!)).toBe(hex(u64le(1)));
    expect(m.lookup(u32le(4243))).toBeNull();
  });
});

describe.skipIf(!kernel.ok)('programs/: bpfbox equals the kernel (BPF_PROG_TEST_RUN)', () => {
  for (const s of SCENARIOS) {
    it(`${s.file} ${s.program}: ${s.title}`, () => {
      const obj = object(s.file);
      const k = kernelRunObject(obj, { program: s.program, packets: s.packets, mapFill: s.fill, dumpAfterEach: true });
      if (!k.ok) throw new Error(`${k.reason}\n${k.loads.map((l) => l.logTail).join('\n')}`);
      expect(k.runs.map((r) => r.errnoName)).toEqual(s.packets.map(() => ''));
      const kernelRetvals = k.runs.map((r) => r.retval);
      const kernelPerPacket = k.runs.map((r) => normalize(r.maps as KernelMapDump[]));
      // the kernel agrees with the hand-computed values (so the scenario itself is right) ...
      expect(kernelRetvals).toEqual(s.retvals);
      const last = kernelPerPacket[kernelPerPacket.length - 1]!;
      const records: Record<string, string[]> = {};
      for (const name of Object.keys(s.records ?? {})) records[name] = kernelPerPacket.flatMap((d) => d.records[name] ?? []);
      expect(pick({ maps: last.maps, records }, s)).toEqual({ maps: s.maps ?? {}, records: s.records ?? {} });
      // ... and bpfbox agrees with the kernel on everything, every map after every packet included
      const b = runInBpfbox(s, true);
      expect(b.retvals).toEqual(kernelRetvals);
      b.perPacket.forEach((d, i) => expect(d, `maps after packet ${i}`).toEqual(kernelPerPacket[i]));
      expect(b.maps).toEqual(normalize(k.maps as KernelMapDump[]));
      if (progTypeOf(obj, s.program) === 'xdp') {
        k.runs.forEach((r, i) => expect(hex(r.dataOut), `kernel packet ${i}`).toBe(hex((s.outputs ?? s.packets)[i]!)));
        b.packets.forEach((p, i) => expect(p && hex(p), `packet ${i}`).toBe(hex(k.runs[i]!.dataOut)));
      } else {
        // a socket filter's test run returns the packet with its Ethernet header zeroed
        k.runs.forEach((r, i) => expect(hex(r.dataOut)).toBe(hex(Uint8Array.from([...new Array(14).fill(0), ...s.packets[i]!.slice(14)]))));
      }
    }, 60_000);
  }

  it('kprobe_exec: the kernel loads it but cannot test-run a kprobe (so only bpfbox runs it)', () => {
    const obj = object('kprobe_exec.o');
    const k = kernelRunObject(obj, { program: 'kprobe_exec', packets: [new Uint8Array(64)] });
    if (!k.ok) throw new Error(k.reason);
    expect(k.loads.map((l) => l.accepted)).toEqual([true]);
    // BPF_PROG_TEST_RUN is not implemented for kprobes: ENOTSUPP (524, kernel-internal)
    expect(k.runs[0]!.errno).toBe(524);
    expect(normalize(k.maps as KernelMapDump[]).maps.open_calls).toEqual({});
  });
});
