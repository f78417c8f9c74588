// The simulated task, clock and kernel memory behind the tracing helpers: get_current_pid_tgid
// (14), get_current_uid_gid (15), get_current_comm (16), ktime_get_boot_ns (125),
// ktime_get_coarse_ns (160), probe_read_user/kernel(_str) (112-115). Everything is fixed or
// derived from the instruction count, so a run is reproducible.

import type { HelperContext, HelperFn } from '../../vm/helpers.js';
import { SIM_CLOCK_START_NS } from '../../vm/helpers.js';
import { EFAULT } from './errno.js';

/** The task a program runs "in" (BPF_PROG_TEST_RUN runs in the caller's task; bpfbox makes one up). */
export interface SimTask {
  /** Thread id (the kernel's pid). Default 4242. */
  pid: number;
  /** Process id (the kernel's tgid). Default 4242: a single-threaded process. */
  tgid: number;
  /** Default 0 and 0: root, as BPF programs that load and run usually are. */
  uid: number;
  gid: number;
  /** task->comm, at most 15 characters. Default `bpfbox`. */
  comm: string;
}

export const DEFAULT_TASK: Readonly<SimTask> = Object.freeze({ pid: 4242, tgid: 4242, uid: 0, gid: 0, comm: 'bpfbox' });
/** TASK_COMM_LEN. */
export const TASK_COMM_LEN = 16;
/** The coarse clock's resolution: one tick of a HZ=250 kernel. */
export const COARSE_TICK_NS = 4_000_000;

const u32 = (v: number): bigint => BigInt(v >>> 0);

export function getCurrentPidTgid(task: SimTask): HelperFn {
  return (ctx) => ctx.setReturn((u32(task.tgid) << 32n) | u32(task.pid));
}

export function getCurrentUidGid(task: SimTask): HelperFn {
  return (ctx) => ctx.setReturn((u32(task.gid) << 32n) | u32(task.uid));
}

/** bpf_get_current_comm(buf, size): strscpy_pad of comm into buf (NUL-terminated, zero-padded). */
export function getCurrentComm(task: SimTask): HelperFn {
  return (ctx) => {
    const size = ctx.argLo(2);
    const out = new Uint8Array(size);
    const comm = new TextEncoder().encode(task.comm).subarray(0, TASK_COMM_LEN - 1);
    if (size > 0) out.set(comm.subarray(0, size - 1));
    const problem = ctx.memory.write(ctx.arg(1), out);
    if (problem) return ctx.fault(problem.code, `bpf_get_current_comm: ${problem.message}`);
    ctx.setReturn(0);
  };
}

/** Boot time equals monotonic time: the simulated machine never suspends. */
export const ktimeGetBootNs: HelperFn = (ctx) => ctx.setReturn(SIM_CLOCK_START_NS + ctx.insns);

/** The monotonic clock as of the last tick. */
export const ktimeGetCoarseNs: HelperFn = (ctx) => {
  const now = SIM_CLOCK_START_NS + ctx.insns;
  ctx.setReturn(now - (now % COARSE_TICK_NS));
};

/** Memory a tracing program may read with bpf_probe_read_*: not mapped in the sandbox. */
export interface SimMemory {
  address: bigint;
  bytes: Uint8Array;
}

function readSim(regions: readonly SimMemory[], address: bigint, size: number): Uint8Array | null {
  for (const r of regions) {
    const off = address - r.address;
    if (off >= 0n && off + BigInt(size) <= BigInt(r.bytes.length)) return r.bytes.slice(Number(off), Number(off) + size);
  }
  return null;
}

/**
 * bpf_probe_read_{user,kernel}(dst, size, unsafe_ptr): copies from the simulated memory (for the
 * kernel variant also from any readable sandbox memory: the stack, the context and maps are
 * kernel memory). Anything else is -EFAULT with dst zeroed, as the kernel.
 */
export function probeRead(regions: readonly SimMemory[], kernel: boolean, name: string): HelperFn {
  return (ctx) => {
    const size = ctx.argLo(2);
    const src = ctx.arg(3);
    let data = readSim(regions, src, size);
    if (!data && kernel) {
      const r = ctx.memory.read(src, size);
      if (r instanceof Uint8Array) data = r;
    }
    const ok = data !== null;
    writeOrFault(ctx, data ?? new Uint8Array(size), name);
    ctx.setReturn(ok ? 0 : -EFAULT);
  };
}

/**
 * bpf_probe_read_{user,kernel}_str(dst, size, unsafe_ptr): copies up to a NUL (at most size - 1
 * bytes, then a NUL); returns the length with the NUL, or -EFAULT (dst zeroed).
 */
export function probeReadStr(regions: readonly SimMemory[], kernel: boolean, name: string): HelperFn {
  return (ctx) => {
    const size = ctx.argLo(2);
    const src = ctx.arg(3);
    if (size === 0) return ctx.setReturn(0);
    const out = new Uint8Array(size);
    let n = 0;
    let failed = false;
    for (; n < size - 1; n++) {
      let b = readSim(regions, src + BigInt(n), 1);
      if (!b && kernel) {
        const r = ctx.memory.read(src + BigInt(n), 1);
        if (r instanceof Uint8Array) b = r;
      }
      if (!b) {
        failed = true;
        break;
      }
      if (b[0] === 0) break;
      out[n] = b[0]!;
    }
    if (failed) {
      writeOrFault(ctx, new Uint8Array(size), name);
      return ctx.setReturn(-EFAULT);
    }
    writeOrFault(ctx, out, name);
    ctx.setReturn(n + 1);
  };
}

function writeOrFault(ctx: HelperContext, data: Uint8Array, name: string): void {
  if (data.length === 0) return;
  const problem = ctx.memory.write(ctx.arg(1), data);
  if (problem) ctx.fault(problem.code, `bpf_${name}: ${problem.message}`);
}

