// Loading the kernel-oracle addon (native/bpf_oracle.cc, built into native/build/Release by
// `npm ci` / `npm run build:native`). Everything that touches the kernel goes through it.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** BPF_PROG_LOAD result as the addon returns it. */
export interface NativeProgLoadResult {
  /** the program's file descriptor, or -1 when the kernel refused it */
  fd: number;
  /** 0, or the errno of the refusal (EACCES: verifier rejection; EINVAL: malformed; EPERM...) */
  errno: number;
  /** the verifier log (empty at log level 0) */
  log: string;
  /** the log size the kernel wanted (Linux 6.4+; 0 when unknown) */
  logTrueSize: number;
  /**
   * the log did not fit even in the largest buffer (64 MiB), or growing was off: the kernel then
   * refuses the load with ENOSPC, and (Linux 6.4+) `log` holds the log's end
   */
  logTruncated: boolean;
  /** loads done (a log that did not fit is retried with a bigger buffer) */
  attempts: number;
  /** bpf_prog_info.verified_insns of an accepted program (null when rejected / unavailable) */
  verifiedInsns: number | null;
  xlatedLen: number | null;
  jitedLen: number | null;
  progId: number | null;
}

export interface NativeProgLoadOptions {
  progType: number;
  insns: Uint8Array;
  license?: string;
  /** kernel log_level bits: 1 = path, 2 = every instruction, 4 = statistics */
  logLevel?: number;
  /** first log buffer size in bytes (grown on ENOSPC up to 64 MiB) */
  logSize?: number;
  expectedAttachType?: number;
  progFlags?: number;
  kernVersion?: number;
  name?: string;
  /** fd_array for `lddw map_idx(N)` / `map_idx_value(N, off)` (src 5/6) */
  fdArray?: number[];
  /** BTF fd (btfLoad) the program's func_info names types in */
  btfFd?: number;
  /** struct bpf_func_info records (u32 insn_off, u32 type_id, little-endian), one per function */
  funcInfo?: Uint8Array;
  /**
   * false: do not retry with a bigger buffer when the log does not fit (the load then fails with
   * ENOSPC; Linux 6.4+ keeps the END of the log, older kernels the start). Default true.
   */
  growLog?: boolean;
}

export interface NativeTestRunResult {
  errno: number;
  /** r0 as the kernel reports it (u32) */
  retval: number;
  /** average run time in ns */
  duration: number;
  dataOut: Uint8Array;
  ctxOut: Uint8Array | null;
}

export interface NativeAddon {
  abiVersion: number;
  /** fd >= 0, or -errno */
  mapCreate(o: { type: number; keySize: number; valueSize: number; maxEntries: number; flags?: number; name?: string }): number;
  /** 0 or errno */
  mapUpdate(o: { fd: number; key: Uint8Array; value: Uint8Array; flags?: number }): number;
  mapLookup(o: { fd: number; key: Uint8Array; valueSize: number }): Uint8Array | null;
  /** the key after `key` (the first key without one); null at the end or on error */
  mapGetNextKey(o: { fd: number; key?: Uint8Array }): Uint8Array | null;
  /** 0 or errno */
  mapDelete(o: { fd: number; key: Uint8Array }): number;
  /** BPF_MAP_FREEZE: 0 or errno */
  mapFreeze(fd: number): number;
  /** BPF_BTF_LOAD of raw BTF: fd >= 0, or -1 with errno and the kernel's log */
  btfLoad(o: { btf: Uint8Array }): { fd: number; errno: number; log: string };
  /** a ring buffer map's submitted records not consumed yet, oldest first; consumes them */
  ringbufConsume(fd: number): { errno: number; records: Uint8Array[] };
  progLoad(o: NativeProgLoadOptions): NativeProgLoadResult;
  progTestRun(o: {
    fd: number; dataIn: Uint8Array; ctxIn?: Uint8Array; repeat?: number; dataOutSize?: number; ctxOutSize?: number;
  }): NativeTestRunResult;
  /** 0 or errno */
  close(fd: number): number;
  geteuid(): number;
}

/** Bumped with the addon's abiVersion (native/bpf_oracle.cc) whenever its exports change. */
const EXPECTED_ABI = 2;

/** The repository root, seen from src/oracle (vitest) or dist/oracle (compiled). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the addon is looked for: $BPFBOX_ORACLE_ADDON, else native/build/Release. */
export function addonPath(): string {
  return process.env.BPFBOX_ORACLE_ADDON || resolve(ROOT, 'native', 'build', 'Release', 'bpf_oracle.node');
}

let cached: { addon: NativeAddon } | { error: string } | undefined;

/** The addon, or why it cannot be had. Loaded once. */
export function loadAddon(): { addon: NativeAddon } | { error: string } {
  if (cached) return cached;
  const path = addonPath();
  if (process.platform !== 'linux') {
    cached = { error: `the kernel oracle needs Linux (this is ${process.platform})` };
  } else if (!existsSync(path)) {
    cached = { error: `the kernel oracle addon is not built (${path} is missing; run \`npm run build:native\`)` };
  } else {
    try {
      const addon = createRequire(import.meta.url)(path) as NativeAddon;
      if (addon.abiVersion !== EXPECTED_ABI || typeof addon.progLoad !== 'function') {
        cached = { error: `the kernel oracle addon at ${path} is stale (run \`npm run build:native\`)` };
      } else {
        cached = { addon };
      }
    } catch (e) {
      cached = { error: `the kernel oracle addon does not load: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
  return cached;
}
