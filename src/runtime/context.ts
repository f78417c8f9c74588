// Running programs of a program type in the interpreter: the context object r1 points to, the
// packet, legacy packet loads (LD_ABS/LD_IND) and the helpers of the type. The context is built
// from the type's declaration in progtypes.ts (the one the verifier reads): each declared field is
// filled by name, pointer fields (data, data_end, data_meta) with the packet region's addresses.
//
// Values follow what the kernel's BPF_PROG_TEST_RUN gives a program (Linux 6.18, confirmed with
// src/oracle's kernelTestRun; see test/run-progtypes.test.ts):
//
//   xdp            struct xdp_md: data = data_meta = the packet's address, data_end = data + length,
//                  ingress_ifindex = 1 (the test run's loopback device), rx_queue_index = 0,
//                  egress_ifindex = 0. The packet is writable; the program's stores are the output
//                  packet. No headroom yet (xdp_adjust_head/meta/tail are not implemented).
//   socket_filter  struct __sk_buff as eth_type_trans leaves it: the first 14 bytes are the
//                  Ethernet header, skb->len = length - 14, protocol = the EtherType (as the
//                  kernel's __be16, so 0x0800 reads as 8), pkt_type from the destination address
//                  (all zeros: the loopback device's own address, PACKET_HOST 0; a multicast bit:
//                  PACKET_MULTICAST 2; else PACKET_OTHERHOST 3), ifindex = 1, everything else 0.
//                  LD_ABS/LD_IND read from the network header in network byte order; offsets from
//                  SKF_NET_OFF and SKF_LL_OFF (the Ethernet header) work as in the kernel; a load
//                  outside the packet ends the program with r0 = 0. As the kernel's test run, an
//                  IPv4 (IPv6) packet must hold a 20-byte (40-byte) header after the Ethernet header.
//   raw            the conformance convention, unchanged: r1 = a writable copy of `mem`, r2 = size.
//
// The interpreter's addresses are below 2^32 (src/vm/memory.ts), so a 32-bit context field holds
// a complete pointer, as the kernel's context rewriting makes it look to the program.

import type { Program } from '../isa/index.js';
import { type HelperContext, type HelperFn, defaultHelpers } from '../vm/helpers.js';
import { type RunOptions, type RunResult, type Vm, WINDOW_SIZE, run } from '../vm/index.js';
import type { PreparedProgram } from '../vm/prepare.js';
import { HELPER_PROTOS } from './helpers.js';
import { type ProgType, type ProgTypeName, progType } from './progtypes.js';

/** Ethernet header length: the kernel's test run wants at least this much input. */
export const ETH_HLEN = 14;
/** Packet given to xdp and socket_filter programs when none is: 64 zero bytes, as kernelTestRun. */
export const DEFAULT_PACKET_SIZE = 64;
/** Largest packet the interpreter maps (one address window). */
export const MAX_PACKET_SIZE = WINDOW_SIZE;

/** Classic BPF's negative offsets for LD_ABS/LD_IND (include/uapi/linux/filter.h). */
export const SKF_NET_OFF = -0x100000;
export const SKF_LL_OFF = -0x200000;

/** ifindex of the loopback device, which the kernel's test run uses as the receiving device. */
export const TEST_RUN_IFINDEX = 1;

/** Default seed of the simulated bpf_get_prandom_u32. */
export const DEFAULT_PRANDOM_SEED = 1;

export const XDP_ACTIONS = ['XDP_ABORTED', 'XDP_DROP', 'XDP_PASS', 'XDP_TX', 'XDP_REDIRECT'] as const;
export type XdpAction = (typeof XDP_ACTIONS)[number];

/** The XDP action an r0 value means (the kernel reads the low 32 bits), or null if none. */
export function xdpActionName(r0: bigint | number): XdpAction | null {
  const v = Number(BigInt.asUintN(32, BigInt(r0)));
  return XDP_ACTIONS[v] ?? null;
}

export interface ContextOptions {
  /** Program type (default `raw`). */
  progType?: ProgTypeName;
  /**
   * xdp / socket_filter: the packet, an Ethernet frame of at least 14 bytes (the kernel's test run
   * refuses shorter input). Default: 64 zero bytes. Not modified: the program works on a copy.
   */
  packet?: Uint8Array;
  /** raw: the input memory (r1 = a writable copy, r2 = its length). */
  mem?: Uint8Array;
  /** xdp: xdp_md.ingress_ifindex (default 1, the loopback device of the kernel's test run). */
  ingressIfindex?: number;
  /** xdp: xdp_md.rx_queue_index (default 0). */
  rxQueueIndex?: number;
  /** Seed of bpf_get_prandom_u32 (default 1): the same seed gives the same numbers. */
  seed?: number;
}

/** Why a packet cannot be given to a program type, or null if it can. */
export function packetProblem(type: ProgTypeName, packet: Uint8Array): string | null {
  if (type === 'raw') return null;
  if (packet.length < ETH_HLEN) {
    return `a packet for ${type} must be at least ${ETH_HLEN} bytes (an Ethernet header), as the kernel's test run ` +
      `requires; got ${packet.length}`;
  }
  if (packet.length > MAX_PACKET_SIZE) return `a packet of ${packet.length} bytes is larger than the limit of ${MAX_PACKET_SIZE}`;
  if (type === 'socket_filter') {
    // The kernel's skb test run also wants the whole network header of IPv4 and IPv6 (EINVAL).
    const etherType = (packet[12]! << 8) | packet[13]!;
    const need = etherType === 0x0800 ? 20 : etherType === 0x86dd ? 40 : 0;
    if (packet.length < ETH_HLEN + need) {
      return `an ${need === 20 ? 'IPv4' : 'IPv6'} packet for socket_filter must hold the ${need}-byte ${need === 20 ? 'IPv4' : 'IPv6'} ` +
        `header after the Ethernet header (${ETH_HLEN + need} bytes), as the kernel's test run requires; got ${packet.length}`;
    }
  }
  return null;
}

/** skb->pkt_type as eth_type_trans sets it on the test run's loopback device (address 00:00:00:00:00:00). */
function skbPktType(packet: Uint8Array): number {
  let zero = true;
  for (let i = 0; i < 6; i++) if (packet[i] !== 0) zero = false;
  if (zero) return 0; // PACKET_HOST: the device's own address
  if ((packet[0]! & 1) !== 0) return 2; // PACKET_MULTICAST (broadcast too: lo's broadcast address is zeros)
  return 3; // PACKET_OTHERHOST
}

/** skb->protocol as eth_type_trans returns it, in host order (the caller stores it as a __be16). */
function skbProtocol(packet: Uint8Array): number {
  const type = (packet[12]! << 8) | packet[13]!;
  if (type >= 0x600) return type; // an EtherType
  if (packet.length >= ETH_HLEN + 2 && packet[14] === 0xff && packet[15] === 0xff) return 0x0001; // ETH_P_802_3 (raw IPX)
  return 0x0004; // ETH_P_802_2
}

const bswap16 = (v: number): number => ((v & 0xff) << 8) | ((v >> 8) & 0xff);

/** A deterministic stand-in for the kernel's per-CPU prandom state (mulberry32). */
class Prandom {
  private state = 0;
  constructor(private readonly seed: number) {
    this.reset();
  }
  reset(): void {
    this.state = this.seed | 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
}

const EFAULT = 14;
const EINVAL = 22;

/**
 * The context, packet and helpers of one program type, reusable for many runs: every run (every
 * Vm reset) starts again from the input packet and a freshly filled context.
 *
 *   const c = new ProgramContext({ progType: 'xdp', packet });
 *   const res = run(program, c.runOptions());   // or new Vm(program, c.runOptions()) to step
 *   c.packetOut();                               // the packet as the program left it
 */
export class ProgramContext {
  readonly type: ProgType;
  /** The input packet (xdp / socket_filter) or null (raw). */
  readonly packet: Uint8Array | null;
  /** The packet the program sees and writes (xdp), refilled from `packet` at each reset. */
  readonly livePacket: Uint8Array | null;
  /** The context structure's bytes as the program sees them (empty for raw). */
  readonly ctx: Uint8Array;
  private readonly mem: Uint8Array | undefined;
  private readonly ingressIfindex: number;
  private readonly rxQueueIndex: number;
  private readonly prandom: Prandom;
  /** Addresses of the regions of the current run (0 before the first reset). */
  ctxAddress = 0;
  packetAddress = 0;

  constructor(opts: ContextOptions = {}) {
    const name = opts.progType ?? 'raw';
    const type = progType(name);
    if (!type) throw new RangeError(`unknown program type ${String(name)}`);
    this.type = type;
    this.ingressIfindex = opts.ingressIfindex ?? TEST_RUN_IFINDEX;
    this.rxQueueIndex = opts.rxQueueIndex ?? 0;
    this.prandom = new Prandom(opts.seed ?? DEFAULT_PRANDOM_SEED);
    this.ctx = new Uint8Array(type.ctxSize);
    if (name === 'raw') {
      this.packet = null;
      this.livePacket = null;
      this.mem = opts.mem;
    } else {
      const packet = opts.packet ?? new Uint8Array(DEFAULT_PACKET_SIZE);
      const problem = packetProblem(name, packet);
      if (problem) throw new RangeError(problem);
      this.packet = packet.slice();
      this.livePacket = new Uint8Array(packet.length);
      this.mem = undefined;
    }
  }

  /** Values of the context's declared fields, by name, for a packet at `data`. */
  fieldValues(data: number): Map<string, number> {
    const v = new Map<string, number>();
    const packet = this.packet;
    if (!packet) return v;
    if (this.type.name === 'xdp') {
      v.set('data', data);
      v.set('data_end', data + packet.length);
      v.set('data_meta', data);
      v.set('ingress_ifindex', this.ingressIfindex);
      v.set('rx_queue_index', this.rxQueueIndex);
    } else if (this.type.name === 'socket_filter') {
      v.set('len', packet.length - ETH_HLEN);
      v.set('pkt_type', skbPktType(packet));
      v.set('protocol', bswap16(skbProtocol(packet)));
      v.set('ifindex', TEST_RUN_IFINDEX);
    }
    return v;
  }

  /** Fills `ctx` from the type's field declarations (fields without a value are 0). */
  private fillContext(data: number): void {
    this.ctx.fill(0);
    const view = new DataView(this.ctx.buffer, this.ctx.byteOffset, this.ctx.byteLength);
    const values = this.fieldValues(data);
    for (const f of this.type.fields) {
      const value = values.get(f.name) ?? 0;
      if (f.size === 4) view.setUint32(f.off, value >>> 0, true);
      else if (f.size === 8) view.setBigUint64(f.off, BigInt(value), true);
      else if (f.size === 2) view.setUint16(f.off, value, true);
      else if (f.size === 1) view.setUint8(f.off, value);
    }
  }

  /** The setup hook: maps the packet and the context, sets r1. */
  readonly setup = (vm: Vm): void => {
    this.prandom.reset();
    if (this.type.name === 'raw') return;
    const live = this.livePacket!;
    live.set(this.packet!);
    this.packetAddress = 0;
    if (this.type.directPacketAccess) {
      this.packetAddress = vm.addRegion('packet', live, { readable: true, writable: true });
    }
    this.fillContext(this.packetAddress);
    const writable = this.type.fields.some((f) => f.writeSizes.length > 0);
    this.ctxAddress = vm.addRegion('ctx', this.ctx, { readable: true, writable });
    vm.setReg(1, this.ctxAddress);
  };

  /**
   * LD_ABS/LD_IND for socket filters, as the kernel's bpf_skb_load_helper_{8,16,32}: offsets
   * from 0 index the network header (after the Ethernet header), [SKF_NET_OFF, 0) the same,
   * [SKF_LL_OFF, SKF_NET_OFF) the Ethernet header on; big-endian; null (r0 = 0, exit) outside.
   */
  readonly legacyPacketLoad = (offset: number, size: 1 | 2 | 4): number | null => {
    const packet = this.packet;
    if (!packet) return null;
    let at: number;
    if (offset >= 0) at = ETH_HLEN + offset;
    else if (offset >= SKF_NET_OFF) at = ETH_HLEN + (offset - SKF_NET_OFF);
    else if (offset >= SKF_LL_OFF) at = offset - SKF_LL_OFF;
    else return null;
    if (at + size > packet.length) return null;
    let v = 0;
    for (let i = 0; i < size; i++) v = (v * 256 + packet[at + i]!) >>> 0;
    return v;
  };

  /** The helper table of the type: the default helpers, the simulated base helpers and, for xdp,
   * the packet helpers; only those the type may call. `extra` adds or replaces entries. */
  helpers(extra?: ReadonlyMap<number, HelperFn>): Map<number, HelperFn> {
    const all = defaultHelpers();
    if (this.type.name !== 'raw') {
      all.set(HELPER_GET_PRANDOM_U32, (ctx) => ctx.setReturn(this.prandom.next()));
      all.set(HELPER_GET_SMP_PROCESSOR_ID, (ctx) => ctx.setReturn(0));
      if (this.type.name === 'xdp') {
        all.set(HELPER_XDP_GET_BUFF_LEN, (ctx) => ctx.setReturn(this.livePacket!.length));
        all.set(HELPER_XDP_LOAD_BYTES, (ctx) => this.xdpCopy(ctx, false));
        all.set(HELPER_XDP_STORE_BYTES, (ctx) => this.xdpCopy(ctx, true));
      }
      for (const id of [...all.keys()]) if (!this.type.helpers.has(id)) all.delete(id);
      // Helpers the verifier lets this type call but the interpreter does not have yet (maps,
      // trace_printk, csum_diff, xdp_adjust_*): a clear fault rather than "unknown helper".
      for (const id of this.type.helpers) {
        const proto = HELPER_PROTOS.get(id);
        if (all.has(id) || !proto) continue;
        all.set(id, (ctx) => ctx.fault('E_HELPER_UNIMPLEMENTED',
          `bpf_${proto.name} (helper ${id}) is allowed for ${this.type.name} programs but the interpreter does not implement it yet`));
      }
    }
    if (extra) for (const [id, fn] of extra) all.set(id, fn);
    return all;
  }

  /** bpf_xdp_load_bytes(ctx, offset, buf, len) / bpf_xdp_store_bytes(ctx, offset, buf, len). */
  private xdpCopy(ctx: HelperContext, store: boolean): void {
    const live = this.livePacket!;
    const offset = ctx.argLo(2);
    const buf = ctx.arg(3);
    const len = ctx.argLo(4);
    // bpf_xdp_pointer: -EFAULT for offset or len above 0xffff, -EINVAL beyond the buffer.
    if (offset > 0xffff || len > 0xffff) return ctx.setReturn(-EFAULT);
    if (offset + len > live.length) return ctx.setReturn(-EINVAL);
    const name = HELPER_PROTOS.get(ctx.helperId)?.name ?? `helper ${ctx.helperId}`;
    if (store) {
      const data = ctx.memory.read(buf, len);
      if (!(data instanceof Uint8Array)) return ctx.fault(data.code, `bpf_${name}: ${data.message}`);
      live.set(data, offset);
    } else {
      const problem = ctx.memory.write(buf, live.slice(offset, offset + len));
      if (problem) return ctx.fault(problem.code, `bpf_${name}: ${problem.message}`);
    }
    ctx.setReturn(0);
  }

  /** RunOptions for `run` or `new Vm`: setup hook, helpers, legacy loads, plus `base`'s other options. */
  runOptions(base: Omit<RunOptions, 'mem' | 'setup' | 'legacyPacketLoad'> = {}): RunOptions {
    if (this.type.name === 'raw') {
      return { ...base, ...(this.mem ? { mem: this.mem } : {}) };
    }
    const opts: RunOptions = { ...base, helpers: this.helpers(base.helpers), setup: this.setup };
    if (this.type.name === 'socket_filter') opts.legacyPacketLoad = this.legacyPacketLoad;
    return opts;
  }

  /** The packet as the program left it (xdp; a copy), or null for types without a writable packet. */
  packetOut(): Uint8Array | null {
    return this.type.directPacketAccess && this.livePacket ? this.livePacket.slice() : null;
  }
}

export const HELPER_GET_PRANDOM_U32 = 7;
export const HELPER_GET_SMP_PROCESSOR_ID = 8;
export const HELPER_XDP_GET_BUFF_LEN = 188;
export const HELPER_XDP_LOAD_BYTES = 189;
export const HELPER_XDP_STORE_BYTES = 190;

export interface ProgRunOptions extends ContextOptions, Omit<RunOptions, 'mem' | 'setup' | 'legacyPacketLoad'> {}

export interface ProgRunResult extends RunResult {
  progType: ProgTypeName;
  /** xdp: the packet after the run; null for other types. */
  packet: Uint8Array | null;
  /** xdp: the action r0 names (`XDP_PASS`...), null when r0 names none or for other types. */
  action: XdpAction | null;
}

/**
 * Runs a program as a program of `progType` (default `raw`) on a packet. Like `run`, never throws
 * for any program; throws a RangeError for options no run can use (a packet under 14 bytes).
 * Does not verify: call `verify` first to get the kernel's guarantees.
 */
export function runProgram(program: PreparedProgram | Program, opts: ProgRunOptions = {}): ProgRunResult {
  const { progType: type = 'raw', packet, mem, ingressIfindex, rxQueueIndex, seed, ...runOpts } = opts;
  const c = new ProgramContext({ progType: type, packet, mem, ingressIfindex, rxQueueIndex, seed });
  const res = run(program, c.runOptions(runOpts));
  return {
    ...res,
    progType: type,
    packet: c.packetOut(),
    action: type === 'xdp' ? xdpActionName(res.r0) : null,
  };
}
