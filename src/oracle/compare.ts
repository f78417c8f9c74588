// bpfbox's verifier next to the running kernel's, for one program: verdicts, the rejected
// instruction, the message and the statistics, with every disagreement named.

import type { VerifyResult } from '../verifier/index.js';
import { kernelAvailable, kernelVerify, type KernelVerdict, type KernelVerifyOptions } from './index.js';

export interface VerdictComparison {
  readonly kernel: { available: true; verdict: KernelVerdict } | { available: false; reason: string };
  /** Named disagreements (empty when both agree on everything compared). */
  readonly disagreements: readonly string[];
  /** One row per compared quantity, for a side-by-side table. */
  readonly rows: readonly ComparisonRow[];
}

export interface ComparisonRow {
  readonly what: string;
  readonly bpfbox: string;
  readonly kernel: string;
  /** The row is a disagreement that matters (statistics within 2x are not flagged). */
  readonly differs: boolean;
}

const dash = (v: unknown): string => (v === null || v === undefined ? '-' : String(v));

/** Processed-instruction counts agree when within a factor of two (the project's goal). */
export function withinFactor(a: number, b: number, factor = 2): boolean {
  if (a === b) return true;
  if (a === 0 || b === 0) return false;
  return Math.max(a, b) / Math.min(a, b) <= factor;
}

export function compareWithKernel(bytes: Uint8Array, ours: VerifyResult, opts: KernelVerifyOptions): VerdictComparison {
  const avail = kernelAvailable();
  if (!avail.ok) {
    return { kernel: { available: false, reason: avail.reason }, disagreements: [], rows: [] };
  }
  let k: KernelVerdict;
  try {
    k = kernelVerify(bytes, { ...opts, logLevel: 0 });
  } catch (e) {
    return { kernel: { available: false, reason: `kernel load failed: ${(e as Error).message}` }, disagreements: [], rows: [] };
  }
  const rows: ComparisonRow[] = [];
  const disagreements: string[] = [];
  const row = (what: string, b: unknown, kv: unknown, differs: boolean, note?: string): void => {
    rows.push({ what, bpfbox: dash(b), kernel: dash(kv), differs });
    if (differs) disagreements.push(note ?? `${what}: bpfbox ${dash(b)}, kernel ${dash(kv)}`);
  };
  row('verdict', ours.accepted ? 'accepted' : 'rejected', k.accepted ? 'accepted' : 'rejected', ours.accepted !== k.accepted);
  if (!ours.accepted || !k.accepted) {
    const ourPc = ours.error?.pc ?? null;
    row('rejected insn', ourPc, k.firstErrorPc, !ours.accepted && !k.accepted && k.firstErrorPc !== null && ourPc !== k.firstErrorPc);
    const ourMsg = ours.error ? ours.error.message.split('\n')[0] : null;
    // The kernel sees a `raw` program's memory as an XDP packet, so its wording differs there.
    const comparable = opts.progType !== 'raw';
    row('message', ourMsg, k.firstErrorLine, comparable && !ours.accepted && !k.accepted && ourMsg !== k.firstErrorLine);
  }
  // The `raw` prolog's straight-line instructions are processed once each: leave them out.
  const ks = k.stats ? { ...k.stats, processedInsns: k.stats.processedInsns - k.pcOffset } : null;
  const s = ours.stats;
  const bothAccepted = ours.accepted && k.accepted;
  row('processed insns', s.processedInsns, ks?.processedInsns, bothAccepted && ks !== null && !withinFactor(s.processedInsns, ks.processedInsns),
    ks ? `processed insns differ by more than 2x: bpfbox ${s.processedInsns}, kernel ${ks.processedInsns}` : undefined);
  row('total states', s.totalStates, ks?.totalStates, false);
  row('peak states', s.peakStates, ks?.peakStates, false);
  row('max states per insn', s.maxStatesPerInsn, ks?.maxStatesPerInsn, false);
  row('stack depth', s.stackDepth, ks?.stackDepth, bothAccepted && ks?.stackDepth !== null && ks?.stackDepth !== undefined && s.stackDepth !== ks.stackDepth);
  row('verification time (usec)', s.verificationTimeUs, ks?.verificationTimeUs, false);
  return { kernel: { available: true, verdict: k }, disagreements, rows };
}

/** Plain-text side-by-side table; disagreements are marked with `<- differs`. */
export function formatComparison(c: VerdictComparison, kernelName: string): string {
  if (!c.kernel.available) return `kernel: not available (${c.kernel.reason})\n`;
  const w0 = Math.max(...c.rows.map((r) => r.what.length), 4);
  const w1 = Math.max(...c.rows.map((r) => r.bpfbox.length), 6);
  const lines = [`${''.padEnd(w0)}  ${'bpfbox'.padEnd(w1)}  ${kernelName}`];
  for (const r of c.rows) lines.push(`${r.what.padEnd(w0)}  ${r.bpfbox.padEnd(w1)}  ${r.kernel}${r.differs ? '   <- differs' : ''}`);
  lines.push(c.disagreements.length === 0 ? 'agreement: bpfbox and the kernel agree' : `agreement: ${c.disagreements.length} disagreement(s)`);
  return lines.join('\n') + '\n';
}
