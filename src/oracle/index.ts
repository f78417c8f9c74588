// The kernel oracle: loads a program into the RUNNING Linux kernel (bpf() BPF_PROG_LOAD, through
// the native addon in native/) and reports the kernel verifier's verdict, log and statistics, and
// runs accepted programs with BPF_PROG_TEST_RUN. It only loads and test-runs: it never attaches a
// program to a hook or an interface, never pins anything, and closes every fd it opens (programs
// and maps are freed by the kernel when their last fd closes). See docs/oracle.md.

import { readFileSync } from 'node:fs';
import { release } from 'node:os';

import {
  type KernelStats, errorLinesOf, errorPcFromBytes, errorPcFromMessage, errorPcFromPathLog, parseKernelStats,
} from './log.js';
import { type OracleMapDef, createMaps, patchMapReferences } from './maps.js';
import { type NativeAddon, type NativeProgLoadResult, addonPath, loadAddon } from './native.js';
import {
  MIN_TEST_RUN_BYTES, type OracleProgType, RAW_PROLOG_INSNS, errnoName, kernelMapType, kernelProgType, rawProlog,
} from './types.js';

export * from './log.js';
export * from './maps.js';
export * from './object.js';
export * from './types.js';
export { addonPath, loadAddon, type NativeAddon } from './native.js';

/** kernel log_level bits */
export const BPF_LOG_LEVEL1 = 1;
export const BPF_LOG_LEVEL2 = 2;
export const BPF_LOG_STATS = 4;

/** Log buffer for the level-1 load that locates an error: its end is all that is needed. */
const TAIL_LOG_SIZE = 256 << 10;
const ENOSPC = 28;

/** The oracle refuses programs above this size (the kernel itself takes up to 1M instructions). */
export const ORACLE_MAX_INSNS = 300_000;

// ---- availability -------------------------------------------------------------------------------

export type KernelAvailability =
  | { ok: true; euid: number; kernelRelease: string }
  | { ok: false; reason: string };

let availability: KernelAvailability | undefined;

function sysctl(name: string): string {
  try {
    return readFileSync(`/proc/sys/${name.replace(/\./g, '/')}`, 'utf8').trim();
  } catch {
    return '?';
  }
}

/**
 * Can this process load programs into the running kernel? Checked once (by loading and closing
 * `r0 = 2; exit` as an XDP program); the reason says what is missing when not.
 */
export function kernelAvailable(): KernelAvailability {
  if (availability) return availability;
  const loaded = loadAddon();
  if ('error' in loaded) return (availability = { ok: false, reason: loaded.error });
  const addon = loaded.addon;
  const euid = addon.geteuid();
  const probe = Uint8Array.from([0xb7, 0, 0, 0, 2, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);
  let r: NativeProgLoadResult;
  try {
    r = addon.progLoad({ progType: kernelProgType('xdp'), insns: probe, license: 'GPL', logLevel: 0, name: 'bpfbox_probe' });
  } catch (e) {
    return (availability = { ok: false, reason: `the kernel oracle addon failed: ${e instanceof Error ? e.message : String(e)}` });
  }
  if (r.fd >= 0) {
    addon.close(r.fd);
    return (availability = { ok: true, euid, kernelRelease: release() });
  }
  let reason = `bpf(BPF_PROG_LOAD) of a trivial XDP program failed with ${errnoName(r.errno)}`;
  if (r.errno === 1 /* EPERM */) {
    reason += euid === 0
      ? ' although running as root (a security module, seccomp or a container may forbid bpf())'
      : ` (not root: euid ${euid}; loading XDP programs needs root or CAP_BPF+CAP_NET_ADMIN;` +
        ` kernel.unprivileged_bpf_disabled=${sysctl('kernel.unprivileged_bpf_disabled')})`;
  } else if (r.errno === 38 /* ENOSYS */) {
    reason += ' (this kernel has no bpf() system call, or it is filtered)';
  }
  return (availability = { ok: false, reason });
}

function requireAddon(): NativeAddon {
  const a = kernelAvailable();
  if (!a.ok) throw new KernelUnavailableError(a.reason);
  const loaded = loadAddon();
  if ('error' in loaded) throw new KernelUnavailableError(loaded.error);
  return loaded.addon;
}

export class KernelUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`kernel oracle unavailable: ${reason}`);
    this.name = 'KernelUnavailableError';
  }
}

// ---- verification -------------------------------------------------------------------------------

export interface KernelVerifyOptions {
  /**
   * bpfbox program type (default `xdp`) or a kernel enum bpf_prog_type number. `raw` is loaded
   * as XDP behind an 8-instruction prolog that sets r1 = the memory (the packet) and r2 = its
   * size; reported pcs are the program's own (the prolog is subtracted).
   */
  progType?: OracleProgType | number;
  /** 0: error and statistics only; 1: the path to the error; 2: every instruction with state */
  logLevel?: 0 | 1 | 2;
  /** ask for `verification time` and `stack depth` too (kernel log_level bit 4; default true) */
  stats?: boolean;
  /** maps the program uses: map_fd(i) / map_value(i, off) / map_idx(i) name maps[i] */
  maps?: readonly OracleMapDef[];
  /** `index` (default): src 1/2 lddw imm is an index into `maps`; `fd`: already a kernel fd */
  mapRefs?: 'index' | 'fd';
  /** `raw` programs: bytes of memory the prolog promises (default: the packet's size, or 0) */
  rawMemSize?: number;
  expectedAttachType?: number;
  /** BPF_F_* load flags, e.g. BPF_F_STRICT_ALIGNMENT = 1 */
  progFlags?: number;
  /** default `GPL` (the kernel restricts some helpers to GPL programs) */
  license?: string;
  /** first log buffer size (it grows on demand up to 64 MiB) */
  logSize?: number;
  /**
   * On a rejection, load the program again at the other log level so that both the error text
   * (a level 0 log holds nothing else) and its pc (the last instruction a level >= 1 log printed)
   * are known. Default true.
   */
  locate?: boolean;
}

export interface KernelError {
  /** the first line of the kernel's error text, e.g. `R2 !read_ok` */
  message: string;
  /** every line of the error text (some errors take two or three lines) */
  lines: string[];
  /** the instruction it happened at (program numbering), when it could be told */
  pc: number | null;
  /** false when the kernel printed no text and the message is made from the errno */
  fromLog: boolean;
}

export interface KernelVerdict {
  accepted: boolean;
  /** 0, or the load's errno: EACCES for a verifier rejection, EINVAL for malformed input... */
  errno: number;
  errnoName: string;
  /** the verifier log at the requested level (kernel numbering of instructions) */
  log: string;
  /**
   * the log did not fit in 64 MiB (or the kernel said it would not): `log` then holds its END
   * (Linux 6.4+), and the verdict and statistics come from a second, level-0 load
   */
  logTruncated: boolean;
  /** the statistics lines, parsed; null when the verifier did not run (e.g. EPERM) */
  stats: KernelStats | null;
  error: KernelError | null;
  /** `error.message` (null when accepted) */
  firstErrorLine: string | null;
  /** `error.pc` (null when accepted or unknown) */
  firstErrorPc: number | null;
  /** bpf_prog_info.verified_insns of an accepted program */
  verifiedInsns: number | null;
  /** the kernel program type used */
  kernelProgType: number;
  /** the kernel log_level used for `log` */
  kernelLogLevel: number;
  /** instructions the oracle put before the program (the `raw` prolog), else 0 */
  pcOffset: number;
  /** BPF_PROG_LOAD calls made (rejections are loaded again to locate the error) */
  loads: number;
}

interface Prepared {
  insns: Uint8Array;
  fdArray: number[] | undefined;
  progType: number;
  pcOffset: number;
  mapFds: number[];
}

function prepare(addon: NativeAddon, bytes: Uint8Array, opts: KernelVerifyOptions, memSize: number): Prepared {
  if (bytes.length % 8 !== 0) throw new RangeError(`program length ${bytes.length} is not a multiple of 8`);
  if (bytes.length / 8 > ORACLE_MAX_INSNS) {
    throw new RangeError(`program of ${bytes.length / 8} instructions is above the oracle's limit of ${ORACLE_MAX_INSNS}`);
  }
  const type = opts.progType ?? 'xdp';
  const mapFds = createMaps(addon, opts.maps ?? []);
  try {
    const patched = patchMapReferences(bytes, mapFds, opts.mapRefs ?? 'index');
    let insns = patched.insns;
    let pcOffset = 0;
    if (type === 'raw') {
      const prolog = rawProlog(memSize);
      const all = new Uint8Array(prolog.length + insns.length);
      all.set(prolog, 0);
      all.set(insns, prolog.length);
      insns = all;
      pcOffset = RAW_PROLOG_INSNS;
    }
    return { insns, fdArray: patched.fdArray, progType: kernelProgType(type), pcOffset, mapFds };
  } catch (e) {
    for (const fd of mapFds) addon.close(fd);
    throw e;
  }
}

/** Loads the prepared program; on acceptance calls `use(fd)` and then closes the fd. */
function loadAndJudge<T>(
  addon: NativeAddon,
  p: Prepared,
  opts: KernelVerifyOptions,
  use: ((fd: number) => T) | undefined,
): { verdict: KernelVerdict; used: T | undefined } {
  const level = (opts.logLevel ?? 0) | ((opts.stats ?? true) ? BPF_LOG_STATS : 0);
  const load = (logLevel: number, tail = false): NativeProgLoadResult =>
    addon.progLoad({
      progType: p.progType,
      insns: p.insns,
      license: opts.license ?? 'GPL',
      logLevel,
      logSize: tail ? TAIL_LOG_SIZE : opts.logSize ?? (logLevel & BPF_LOG_LEVEL2 ? 16 << 20 : 1 << 20),
      growLog: !tail,
      expectedAttachType: opts.expectedAttachType ?? 0,
      progFlags: opts.progFlags ?? 0,
      name: 'bpfbox',
      ...(p.fdArray ? { fdArray: p.fdArray } : {}),
    });

  let loads = 0;
  const first = load(level);
  loads += first.attempts;
  let used: T | undefined;
  let verdictSource = first;
  const truncated = first.logTruncated;
  try {
    if (first.fd >= 0 && use) used = use(first.fd);
  } finally {
    if (first.fd >= 0) addon.close(first.fd);
  }
  if (truncated) {
    // The kernel fails a load whose log did not fit: ask again without the path for the verdict.
    const again = load(BPF_LOG_STATS);
    loads += again.attempts;
    try {
      if (again.fd >= 0 && use) used = use(again.fd);
    } finally {
      if (again.fd >= 0) addon.close(again.fd);
    }
    verdictSource = again;
  }

  const accepted = verdictSource.fd >= 0;
  const stats = parseKernelStats(verdictSource.log);
  let error: KernelError | null = null;
  if (!accepted) {
    // Error text: everything but the statistics in a level-0 log. pc: the last instruction a
    // level >= 1 log printed before that text (or a number in the message itself).
    let statsOnlyLog: string | null =
      ((level & 3) === 0 && level !== 0) || truncated ? verdictSource.log : null;
    // A truncated log still ends with the path's end on Linux 6.4+ (logTrueSize says so).
    let pathLog: string | null = (level & 3) !== 0 && (!truncated || first.logTrueSize > 0) ? first.log : null;
    if (opts.locate ?? true) {
      if (statsOnlyLog === null) {
        const r = load(BPF_LOG_STATS);
        loads += r.attempts;
        if (r.fd >= 0) addon.close(r.fd); // cannot happen for a rejected program; be safe
        statsOnlyLog = r.log;
      }
      if (pathLog === null) {
        // Only the end of the path matters. Linux 6.4+ keeps the end of a log that does not fit
        // (and says how big it was); an older kernel keeps the start, so load again in full.
        let r = load(BPF_LOG_LEVEL1 | BPF_LOG_STATS, true);
        loads += r.attempts;
        if (r.fd >= 0) addon.close(r.fd);
        if (r.errno === ENOSPC && r.logTrueSize === 0) {
          r = load(BPF_LOG_LEVEL1 | BPF_LOG_STATS);
          loads += r.attempts;
          if (r.fd >= 0) addon.close(r.fd);
        }
        if (!r.logTruncated || r.logTrueSize > 0) pathLog = r.log;
      }
    }
    const lines = statsOnlyLog !== null ? errorLinesOf(statsOnlyLog) : [];
    const message = lines[0];
    let pc: number | null = null;
    if (message !== undefined) {
      pc = errorPcFromMessage(message);
      if (pc === null && pathLog !== null) pc = errorPcFromPathLog(pathLog, message);
      if (pc === null) pc = errorPcFromBytes(message, p.insns);
    } else if (pathLog !== null) {
      pc = errorPcFromPathLog(pathLog, undefined);
    }
    if (pc !== null) pc = pc >= p.pcOffset ? pc - p.pcOffset : null;
    error = message !== undefined
      ? { message, lines, pc, fromLog: true }
      : {
        message: `BPF_PROG_LOAD failed: ${errnoName(verdictSource.errno)}`,
        lines: [],
        pc,
        fromLog: false,
      };
  }
  const verdict: KernelVerdict = {
    accepted,
    errno: verdictSource.errno,
    errnoName: errnoName(verdictSource.errno),
    log: first.log,
    logTruncated: truncated,
    stats,
    error,
    firstErrorLine: error ? error.message : null,
    firstErrorPc: error ? error.pc : null,
    verifiedInsns: verdictSource.verifiedInsns,
    kernelProgType: p.progType,
    kernelLogLevel: level,
    pcOffset: p.pcOffset,
    loads,
  };
  return { verdict, used };
}

/**
 * The running kernel's verdict on a program (raw instruction bytes, 8 per slot, little-endian).
 * Throws KernelUnavailableError when the kernel cannot be asked (see kernelAvailable), and
 * RangeError / OracleMapError for inputs it cannot set up (odd length, a map the kernel refuses).
 */
export function kernelVerify(bytes: Uint8Array, opts: KernelVerifyOptions = {}): KernelVerdict {
  const addon = requireAddon();
  const p = prepare(addon, bytes, opts, opts.rawMemSize ?? 0);
  try {
    return loadAndJudge(addon, p, opts, undefined).verdict;
  } finally {
    for (const fd of p.mapFds) addon.close(fd);
  }
}

// ---- test runs ----------------------------------------------------------------------------------

export interface KernelTestRunOptions extends KernelVerifyOptions {
  /**
   * The input: the packet for xdp / socket_filter (at least 14 bytes, an Ethernet header; a
   * socket filter sees it from the network header on), the memory for `raw` (padded with zeros
   * to 14 bytes for the kernel; r2 and the prolog use the unpadded size).
   */
  packet?: Uint8Array;
  /** the program type's context to pass in (e.g. struct xdp_md with ingress_ifindex 0) */
  ctx?: Uint8Array;
  /** runs to average the duration over (default 1) */
  repeat?: number;
}

export interface KernelRunResult {
  /** 0, or the BPF_PROG_TEST_RUN errno (EINVAL: e.g. packet shorter than 14 bytes) */
  errno: number;
  errnoName: string;
  /** r0 as the kernel reports it: the low 32 bits, unsigned */
  retval: number;
  /** average ns per run */
  durationNs: number;
  /** the packet after the run (for `raw`, cut back to the memory's size) */
  dataOut: Uint8Array;
  ctxOut: Uint8Array | null;
}

export interface KernelTestRunResult {
  verdict: KernelVerdict;
  /** null when the kernel rejected the program */
  run: KernelRunResult | null;
  /** values of each map's `readBack` keys after the run (null: no such entry) */
  maps: { map: number; key: Uint8Array; value: Uint8Array | null }[];
}

/** Loads a program, and when the kernel accepts it runs it once (BPF_PROG_TEST_RUN) on `packet`. */
export function kernelTestRun(bytes: Uint8Array, opts: KernelTestRunOptions = {}): KernelTestRunResult {
  const addon = requireAddon();
  const isRaw = opts.progType === 'raw';
  const packet = opts.packet ?? new Uint8Array(isRaw ? 0 : 64);
  const memSize = opts.rawMemSize ?? packet.length;
  let dataIn = packet;
  if (isRaw && packet.length < Math.max(MIN_TEST_RUN_BYTES, memSize)) {
    dataIn = new Uint8Array(Math.max(MIN_TEST_RUN_BYTES, memSize));
    dataIn.set(packet, 0);
  }
  const p = prepare(addon, bytes, opts, memSize);
  try {
    const { verdict, used } = loadAndJudge(addon, p, opts, (fd) =>
      addon.progTestRun({
        fd,
        dataIn,
        repeat: opts.repeat ?? 1,
        ...(opts.ctx ? { ctxIn: opts.ctx } : {}),
      }));
    let run: KernelRunResult | null = null;
    if (used) {
      run = {
        errno: used.errno,
        errnoName: errnoName(used.errno),
        retval: used.retval,
        durationNs: used.duration,
        dataOut: isRaw ? used.dataOut.slice(0, packet.length) : used.dataOut,
        ctxOut: used.ctxOut,
      };
    }
    const maps: KernelTestRunResult['maps'] = [];
    (opts.maps ?? []).forEach((d, i) => {
      for (const key of d.readBack ?? []) {
        // Per-CPU maps hold one value per possible CPU (each padded to 8 bytes): all are returned.
        const perCpu = [5, 6, 10].includes(kernelMapType(d.type));
        const valueSize = perCpu ? 0xffffffff : d.valueSize;
        maps.push({ map: i, key, value: addon.mapLookup({ fd: p.mapFds[i]!, key, valueSize }) });
      }
    });
    return { verdict, run, maps };
  } finally {
    for (const fd of p.mapFds) addon.close(fd);
  }
}

/** Where the addon is expected (for messages). */
export function oracleAddonPath(): string {
  return addonPath();
}
