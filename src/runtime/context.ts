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
//                  egress_ifindex = 0. The packet sits in a 4096-byte frame with 256 bytes of
//                  headroom, as the test run's (helperimpl/xdp.ts): xdp_adjust_head/meta/tail move
//                  data, data_meta and data_end, and the context follows. The output packet is
//                  data_meta .. data_end, as the test run's data_out.
//   socket_filter  struct __sk_buff as eth_type_trans leaves it: the first 14 bytes are the
//                  Ethernet header, skb->len = length - 14, protocol = the EtherType (as the
//                  kernel's __be16, so 0x0800 reads as 8), pkt_type from the destination address
//                  (all zeros: the loopback device's own address, PACKET_HOST 0; a multicast bit:
//                  PACKET_MULTICAST 2; else PACKET_OTHERHOST 3), ifindex = 1, everything else 0.
//                  LD_ABS/LD_IND read from the network header in network byte order; offsets from
//                  SKF_NET_OFF and SKF_LL_OFF (the Ethernet header) work as in the kernel; a load
//                  outside the packet ends the program with r0 = 0. As the kernel's test run, an
//                  IPv4 (IPv6) packet must hold a 20-byte (40-byte) header after the Ethernet header.
//   kprobe         struct pt_regs (x86-64), read-only: `regs` fill di, si, dx, cx, r8, r9 (the first
//                  six argument registers, in that order); `ptRegs` sets any register by name.
//   raw            the conformance convention, unchanged: r1 = a writable copy of `mem`, r2 = size.
//
// Helpers: every helper the type may call that bpfbox implements (helperimpl/), with simulated
// time (1 s + 1 ns per executed instruction), a seeded bpf_get_prandom_u32, a simulated CPU
// (default 0) and task (pid = tgid = 4242, uid = gid = 0, comm "bpfbox": helperimpl/task.ts).
// bpf_trace_printk lines are collected in `printk` for each run. Map helpers and tail calls need
// maps: ObjectRuntime (object.ts) adds them through `helpers(extra)`.
//
// The interpreter's addresses are below 2^32 (src/vm/memory.ts), so a 32-bit context field holds
// a complete pointer, as the kernel's context rewriting makes it look to the program.

import type { Program } from '../isa/index.js';
import { type HelperContext, type HelperFn, defaultHelpers } from '../vm/helpers.js';
import { type RunOptions, type RunResult, type Vm, WINDOW_SIZE, run } from '../vm/index.js';
import type { PreparedProgram } from '../vm/prepare.js';
import { csumDiffHelper } from './helperimpl/csum.js';
import { EINVAL } from './helperimpl/errno.js';
import { bpfLoop } from './helperimpl/loop.js';
import {
  DEFAULT_TASK, type SimMemory, type SimTask, getCurrentComm, getCurrentPidTgid, getCurrentUidGid, ktimeGetBootNs,
  ktimeGetCoarseNs, probeRead, probeReadStr,
} from './helperimpl/task.js';
import { traceVprintkHelper, tracePrintkHelper } from './helperimpl/trace.js';
import { XdpBuffer, xdpHelpers } from './helperimpl/xdp.js';
import { HELPER_PROTOS } from './helpers.js';
import { PT_REGS_FIELDS, type ProgType, type ProgTypeName, progType } from './progtypes.js';

/** A pt_regs register name (x86-64). */
export type PtRegName = (typeof PT_REGS_FIELDS)[number];
/** The x86-64 argument registers in order: what `regs` fills. */
export const PT_REGS_ARGS: readonly PtRegName[] = ['di', 'si', 'dx', 'cx', 'r8', 'r9'];

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
  /** The simulated CPU: bpf_get_smp_processor_id (default 0). */
  cpu?: number;
  /** The simulated current task (defaults: helperimpl/task.ts DEFAULT_TASK). */
  task?: Partial<SimTask>;
  /** kprobe: the first six argument registers (di, si, dx, cx, r8, r9), in order. */
  regs?: readonly (bigint | number)[];
  /** kprobe: any pt_regs register by name (after `regs`). */
  ptRegs?: Partial<Record<PtRegName, bigint | number>>;
  /** Memory bpf_probe_read_kernel(_str) can read besides the sandbox's own (none by default). */
  kernelMemory?: readonly SimMemory[];
  /** Memory bpf_probe_read_user(_str) can read (none by default). */
  userMemory?: readonly SimMemory[];
}

/** A bpf_perf_event_output record. */
export interface PerfEvent {
  /** The map handle value the program passed (ObjectRuntime names the map). */
  readonly map: bigint;
  /** The CPU index the flags chose. */
  readonly cpu: number;
  readonly data: Uint8Array;
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
  /** socket_filter: the copy of the packet a run works on, refilled from `packet` at each reset
   * (xdp programs work on `xdp`, the frame; raw and kprobe have none). */
  readonly livePacket: Uint8Array | null;
  /** The context structure's bytes as the program sees them (empty for raw). */
  readonly ctx: Uint8Array;
  private readonly mem: Uint8Array | undefined;
  private readonly ingressIfindex: number;
  private readonly rxQueueIndex: number;
  private readonly prandom: Prandom;
  readonly cpu: number;
  readonly task: SimTask;
  /** kprobe: the pt_regs values by field name. */
  readonly ptRegs: Map<string, bigint> = new Map();
  private readonly kernelMemory: readonly SimMemory[];
  private readonly userMemory: readonly SimMemory[];
  /** xdp: the frame with its moving edges. */
  readonly xdp: XdpBuffer | null;
  /** Addresses of the regions of the current run (0 before the first reset). */
  ctxAddress = 0;
  packetAddress = 0;
  /** bpf_trace_printk / trace_vprintk output of the current run, one entry per call (a trailing
   * newline removed). */
  readonly printk: string[] = [];
  /** bpf_perf_event_output records of the current run. */
  readonly perfEvents: PerfEvent[] = [];
  /** bpf_redirect's target ifindex in the current run (the last call), or null. */
  redirectIfindex: number | null = null;
  /** bpf_redirect_map's target in the current run (the last successful call), or null. */
  redirectMap: { map: string; key: number } | null = null;

  constructor(opts: ContextOptions = {}) {
    const name = opts.progType ?? 'raw';
    const type = progType(name);
    if (!type) throw new RangeError(`unknown program type ${String(name)}`);
    this.type = type;
    this.ingressIfindex = opts.ingressIfindex ?? TEST_RUN_IFINDEX;
    this.rxQueueIndex = opts.rxQueueIndex ?? 0;
    this.prandom = new Prandom(opts.seed ?? DEFAULT_PRANDOM_SEED);
    this.cpu = opts.cpu ?? 0;
    this.task = { ...DEFAULT_TASK, ...(opts.task ?? {}) };
    this.kernelMemory = opts.kernelMemory ?? [];
    this.userMemory = opts.userMemory ?? [];
    this.ctx = new Uint8Array(type.ctxSize);
    this.xdp = null;
    if (name === 'raw') {
      this.packet = null;
      this.livePacket = null;
      this.mem = opts.mem;
    } else if (name === 'kprobe') {
      this.packet = null;
      this.livePacket = null;
      this.mem = undefined;
      (opts.regs ?? []).forEach((v, i) => {
        if (i < PT_REGS_ARGS.length) this.ptRegs.set(PT_REGS_ARGS[i]!, BigInt.asUintN(64, BigInt(v)));
      });
      for (const [k, v] of Object.entries(opts.ptRegs ?? {})) {
        if (!(PT_REGS_FIELDS as readonly string[]).includes(k)) throw new RangeError(`pt_regs has no register ${k}`);
        if (v !== undefined) this.ptRegs.set(k, BigInt.asUintN(64, BigInt(v)));
      }
    } else {
      const packet = opts.packet ?? new Uint8Array(DEFAULT_PACKET_SIZE);
      const problem = packetProblem(name, packet);
      if (problem) throw new RangeError(problem);
      this.packet = packet.slice();
      this.livePacket = name === 'xdp' ? null : new Uint8Array(packet.length);
      this.mem = undefined;
      if (name === 'xdp') {
        this.xdp = new XdpBuffer(this.packet);
        this.xdp.onChange = () => this.fillContext(this.packetAddress);
      }
    }
  }

  /** Values of the context's declared fields, by name, for a packet at `data`. */
  fieldValues(data: number): Map<string, number | bigint> {
    const v = new Map<string, number | bigint>();
    if (this.type.name === 'kprobe') {
      for (const [k, x] of this.ptRegs) v.set(k, x);
      return v;
    }
    const packet = this.packet;
    if (!packet) return v;
    const xdp = this.xdp;
    if (this.type.name === 'xdp' && xdp) {
      // `data` is the frame's address here: the fields point into it.
      v.set('data', data + xdp.data);
      v.set('data_end', data + xdp.dataEnd);
      v.set('data_meta', data + xdp.dataMeta);
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
      const raw = values.get(f.name) ?? 0;
      if (f.size === 8) {
        view.setBigUint64(f.off, BigInt.asUintN(64, BigInt(raw)), true);
        continue;
      }
      const value = Number(BigInt.asUintN(32, BigInt(raw)));
      if (f.size === 4) view.setUint32(f.off, value >>> 0, true);
      else if (f.size === 2) view.setUint16(f.off, value & 0xffff, true);
      else if (f.size === 1) view.setUint8(f.off, value & 0xff);
    }
  }

  /** The setup hook: maps the packet and the context, sets r1. */
  readonly setup = (vm: Vm): void => {
    this.prandom.reset();
    this.printk.length = 0;
    this.perfEvents.length = 0;
    this.redirectIfindex = null;
    this.redirectMap = null;
    if (this.type.name === 'raw') return;
    this.packetAddress = 0;
    if (this.xdp) {
      this.xdp.reset();
      this.packetAddress = vm.addRegion('packet', this.xdp.frame.subarray(0, this.xdp.dataEnd), { readable: true, writable: true });
      this.xdp.map(vm.memory, this.packetAddress);
    } else if (this.livePacket) {
      const live = this.livePacket;
      live.set(this.packet!);
      if (this.type.directPacketAccess) {
        this.packetAddress = vm.addRegion('packet', live, { readable: true, writable: true });
      }
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

  /**
   * The helper table of the type: every helper bpfbox implements that the type may call (the
   * type's declaration in progtypes.ts decides), the ones it may call but bpfbox does not
   * implement as a clear fault. `extra` adds or replaces entries (maps, tail calls: object.ts).
   */
  helpers(extra?: ReadonlyMap<number, HelperFn>): Map<number, HelperFn> {
    const all = defaultHelpers();
    {
      for (const [id, fn] of this.implementedHelpers()) all.set(id, fn);
      for (const id of [...all.keys()]) if (!this.type.helpers.has(id)) all.delete(id);
      // Helpers the verifier lets this type call but the interpreter does not have: a clear fault
      // rather than "unknown helper".
      for (const id of this.type.helpers) {
        const proto = HELPER_PROTOS.get(id);
        if (all.has(id) || !proto || extra?.has(id)) continue;
        const message = MAP_HELPERS.has(id)
          ? `bpf_${proto.name} (helper ${id}) needs maps, which this run does not have: run the program with its object's maps (ObjectRuntime; bpfbox run FILE.o)`
          : `bpf_${proto.name} (helper ${id}) is allowed for ${this.type.name} programs but the interpreter does not implement it yet`;
        all.set(id, (ctx) => ctx.fault('E_HELPER_UNIMPLEMENTED', message));
      }
    }
    if (extra) for (const [id, fn] of extra) all.set(id, fn);
    return all;
  }

  /** Every helper implemented here, before filtering by type. */
  private implementedHelpers(): Map<number, HelperFn> {
    const m = new Map<number, HelperFn>([
      [6, tracePrintkHelper(this.printk)],
      [7, (ctx) => ctx.setReturn(this.prandom.next())],
      [8, (ctx) => ctx.setReturn(this.cpu)],
      [14, getCurrentPidTgid(this.task)],
      [15, getCurrentUidGid(this.task)],
      [16, getCurrentComm(this.task)],
      [25, (ctx) => this.perfEventOutput(ctx)],
      [28, csumDiffHelper],
      [112, probeRead(this.userMemory, false, 'probe_read_user')],
      [113, probeRead(this.kernelMemory, true, 'probe_read_kernel')],
      [114, probeReadStr(this.userMemory, false, 'probe_read_user_str')],
      [115, probeReadStr(this.kernelMemory, true, 'probe_read_kernel_str')],
      [125, ktimeGetBootNs],
      [160, ktimeGetCoarseNs],
      [177, traceVprintkHelper(this.printk)],
      [181, bpfLoop],
    ]);
    if (this.xdp) {
      for (const [id, fn] of xdpHelpers(() => this.xdp!, (ifindex) => (this.redirectIfindex = ifindex))) m.set(id, fn);
    }
    return m;
  }

  /**
   * bpf_perf_event_output(ctx, map, flags, data, size): records the data (bpfbox has no perf
   * buffer reader). flags: the CPU index in the low 32 bits (0xffffffff: the current CPU); any
   * other bit but BPF_F_CTXLEN_MASK is -EINVAL.
   */
  private perfEventOutput(ctx: HelperContext): void {
    const hi = ctx.argHi(3);
    if ((hi & 0xfff00000) !== 0) return ctx.setReturn(-EINVAL);
    const index = ctx.argLo(3);
    const cpu = index === 0xffffffff ? this.cpu : index;
    const size = ctx.argLo(5);
    const data = size === 0 ? new Uint8Array(0) : ctx.memory.read(ctx.arg(4), size);
    if (!(data instanceof Uint8Array)) return ctx.fault(data.code, `bpf_perf_event_output: ${data.message}`);
    this.perfEvents.push({ map: ctx.arg(2), cpu, data });
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

  /** The packet as the program left it (xdp: data_meta .. data_end, as the kernel's test run
   * returns it; a copy), or null for types without a writable packet. */
  packetOut(): Uint8Array | null {
    if (this.xdp) return this.xdp.output();
    return this.type.directPacketAccess && this.livePacket ? this.livePacket.slice() : null;
  }
}

/** Helpers that only work with maps (the map helpers, tail calls, redirect_map): ObjectRuntime adds them. */
const MAP_HELPERS: ReadonlySet<number> = new Set([1, 2, 3, 12, 51, 87, 88, 89, 130, 131, 132, 133, 134]);

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
  /** bpf_trace_printk output lines of the run. */
  printk: string[];
  /** xdp: bpf_redirect's target ifindex (the last call), else null. */
  redirectIfindex: number | null;
  /** xdp: bpf_redirect_map's target (ObjectRuntime runs only), else null. */
  redirectMap?: { map: string; key: number } | null;
  /** bpf_perf_event_output records of the run. */
  perfEvents: PerfEvent[];
}

/**
 * Runs a program as a program of `progType` (default `raw`) on a packet. Like `run`, never throws
 * for any program; throws a RangeError for options no run can use (a packet under 14 bytes).
 * Does not verify: call `verify` first to get the kernel's guarantees.
 */
export function runProgram(program: PreparedProgram | Program, opts: ProgRunOptions = {}): ProgRunResult {
  const {
    progType: type = 'raw', packet, mem, ingressIfindex, rxQueueIndex, seed, cpu, task, regs, ptRegs, kernelMemory,
    userMemory, ...runOpts
  } = opts;
  const c = new ProgramContext({
    progType: type, packet, mem, ingressIfindex, rxQueueIndex, seed, cpu, task, regs, ptRegs, kernelMemory, userMemory,
  });
  const res = run(program, c.runOptions(runOpts));
  return {
    ...res,
    progType: type,
    packet: c.packetOut(),
    action: type === 'xdp' ? xdpActionName(res.r0) : null,
    printk: c.printk.slice(),
    redirectIfindex: c.redirectIfindex,
    perfEvents: c.perfEvents.slice(),
  };
}
