// Kernel numbers the oracle needs: program types, map types, errno names, and the prolog that
// lets the kernel run bpfbox's `raw` programs.

import { constants } from 'node:os';
import { MAP_TYPE_IDS, type MapType } from '../runtime/maps/def.js';

/** enum bpf_prog_type (include/uapi/linux/bpf.h). */
export const KERNEL_PROG_TYPES = {
  socket_filter: 1,
  kprobe: 2,
  sched_cls: 3,
  sched_act: 4,
  tracepoint: 5,
  xdp: 6,
  perf_event: 7,
  cgroup_skb: 8,
  cgroup_sock: 9,
  lwt_in: 10,
  lwt_out: 11,
  lwt_xmit: 12,
  sock_ops: 13,
  sk_skb: 14,
  cgroup_device: 15,
  sk_msg: 16,
  raw_tracepoint: 17,
  cgroup_sock_addr: 18,
  lwt_seg6local: 19,
  sk_reuseport: 21,
  flow_dissector: 22,
  cgroup_sysctl: 23,
  raw_tracepoint_writable: 24,
  cgroup_sockopt: 25,
  sk_lookup: 30,
  syscall: 31,
  netfilter: 32,
} as const;

/** bpfbox program type names; `raw` is loaded as XDP behind a prolog (see RAW_PROLOG_INSNS). */
export type OracleProgType = keyof typeof KERNEL_PROG_TYPES | 'raw';

/** enum bpf_map_type: the one table of map type numbers (src/runtime/maps/def.ts). */
export const KERNEL_MAP_TYPES = MAP_TYPE_IDS;

export type OracleMapType = MapType;

/** The kernel's number for a program type name (or a number passed through). */
export function kernelProgType(type: OracleProgType | number): number {
  if (typeof type === 'number') return type;
  if (type === 'raw') return KERNEL_PROG_TYPES.xdp;
  const n = KERNEL_PROG_TYPES[type];
  if (n === undefined) throw new RangeError(`unknown program type '${String(type)}'`);
  return n;
}

export function kernelMapType(type: OracleMapType | number): number {
  if (typeof type === 'number') return type;
  const n = KERNEL_MAP_TYPES[type];
  if (n === undefined) throw new RangeError(`unknown map type '${String(type)}'`);
  return n;
}

const ERRNO_NAMES = new Map<number, string>();
for (const [name, value] of Object.entries(constants.errno)) {
  if (!ERRNO_NAMES.has(value)) ERRNO_NAMES.set(value, name);
}

/** `EACCES` for 13, etc.; '' for 0. */
export function errnoName(errno: number): string {
  if (errno === 0) return '';
  return ERRNO_NAMES.get(errno) ?? `errno ${errno}`;
}

// ---- the `raw` convention ---------------------------------------------------------------------
//
// bpfbox's `raw` programs (the conformance convention) start with r1 = pointer to N bytes of
// memory and r2 = N. The kernel has no such program type; like the conformance suite's Linux
// plugin, the oracle loads them as XDP programs behind a prolog that turns the XDP context into
// that convention (the packet is the memory):
//
//   0: r2 = *(u32 *)(r1 + 4)      r2 = data_end
//   1: r1 = *(u32 *)(r1 + 0)      r1 = data
//   2: r1 += N
//   3: if r1 <= r2 goto +2        the packet holds N bytes: the verifier learns range N
//   4: r0 = 0                     (never taken: the test run gives at least N bytes)
//   5: exit
//   6: r1 -= N                    r1 = data, a packet pointer with N bytes proven readable
//   7: r2 = N
//
// Unlike the suite's own prolog it leaves r0 and r3-r9 uninitialized, as bpfbox's `raw` does,
// so `R0 !read_ok` and friends come out the same. The kernel's instruction numbers are then 8
// higher than the program's; the oracle subtracts RAW_PROLOG_INSNS from every pc it reports
// (the log text itself is left as the kernel wrote it). The memory is a packet to the kernel
// (pkt(r=N)), not PTR_TO_MEM, so messages about it use the packet wording.

export const RAW_PROLOG_INSNS = 8;

function insn(code: number, dst: number, src: number, off: number, imm: number): number[] {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer);
  b[0] = code;
  b[1] = (dst & 0xf) | ((src & 0xf) << 4);
  v.setInt16(2, off, true);
  v.setInt32(4, imm, true);
  return [...b];
}

/** The prolog for `raw` programs whose memory is `size` bytes. */
export function rawProlog(size: number): Uint8Array {
  if (!Number.isInteger(size) || size < 0 || size > 0xffff) {
    throw new RangeError(`raw memory size must be 0..65535 bytes, got ${size}`);
  }
  return Uint8Array.from([
    ...insn(0x61, 2, 1, 4, 0), // r2 = *(u32 *)(r1 + 4)
    ...insn(0x61, 1, 1, 0, 0), // r1 = *(u32 *)(r1 + 0)
    ...insn(0x07, 1, 0, 0, size), // r1 += size
    ...insn(0xbd, 1, 2, 2, 0), // if r1 <= r2 goto +2
    ...insn(0xb7, 0, 0, 0, 0), // r0 = 0
    ...insn(0x95, 0, 0, 0, 0), // exit
    ...insn(0x17, 1, 0, 0, size), // r1 -= size
    ...insn(0xb7, 2, 0, 0, size), // r2 = size
  ]);
}

/** The kernel's XDP and socket-filter test runs need at least an Ethernet header of input. */
export const MIN_TEST_RUN_BYTES = 14;
