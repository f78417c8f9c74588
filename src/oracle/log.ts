// Reading the Linux verifier's log: statistics, the error text and the instruction it names.

/** The verifier's statistics, as printed at the end of its log. */
export interface KernelStats {
  /** `processed N insns` */
  processedInsns: number;
  /** `(limit L)` */
  insnLimit: number;
  maxStatesPerInsn: number;
  totalStates: number;
  peakStates: number;
  /** `mark_read K` (null when this kernel does not print it) */
  markRead: number | null;
  /** `verification time X usec` (null when the log level did not include statistics) */
  verificationTimeUs: number | null;
  /** sum over subprograms of `stack depth A+B+...` (null when not printed) */
  stackDepth: number | null;
  /** per-subprogram stack depths, e.g. [16, 0] for `stack depth 16+0` */
  stackDepths: number[] | null;
  /** the `stack depth` text as printed, e.g. `16+0` */
  stackDepthText: string | null;
}

const PROCESSED_RE =
  /^processed (\d+) insns \(limit (\d+)\) max_states_per_insn (\d+) total_states (\d+) peak_states (\d+)(?: mark_read (\d+))?\s*$/m;
const TIME_RE = /^verification time (\d+) usec\s*$/m;
const STACK_RE = /^stack depth (\d+(?:\+\d+)*)\s*$/m;

/** The statistics in a verifier log, or null when it has no `processed ... insns` line. */
export function parseKernelStats(log: string): KernelStats | null {
  const m = PROCESSED_RE.exec(log);
  if (!m) return null;
  const t = TIME_RE.exec(log);
  const s = STACK_RE.exec(log);
  const depths = s ? s[1]!.split('+').map(Number) : null;
  return {
    processedInsns: Number(m[1]),
    insnLimit: Number(m[2]),
    maxStatesPerInsn: Number(m[3]),
    totalStates: Number(m[4]),
    peakStates: Number(m[5]),
    markRead: m[6] === undefined ? null : Number(m[6]),
    verificationTimeUs: t ? Number(t[1]) : null,
    stackDepth: depths ? depths.reduce((a, b) => a + b, 0) : null,
    stackDepths: depths,
    stackDepthText: s ? s[1]! : null,
  };
}

/** Is this one of the three statistics lines? */
export function isStatsLine(line: string): boolean {
  return PROCESSED_RE.test(line) || TIME_RE.test(line) || STACK_RE.test(line);
}

/**
 * The error text of a rejection, from a log taken at level 0 + statistics (kernel log_level 4),
 * where everything that is not a statistics line is what the verifier said about the error.
 */
export function errorLinesOf(statsOnlyLog: string): string[] {
  return statsOnlyLog
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l) => l !== '' && !isStatsLine(l));
}

/** An instruction line of a level 1/2 log: `12: (bf) r1 = r6` (pc 12, opcode 0xbf). */
const INSN_LINE_RE = /^(\d+): \(([0-9a-f]{2})\)/;

/**
 * The pc of the instruction a rejection happened at, from a log of level >= 1: the last
 * instruction line printed before the error text. `errorLine` is the first line of the error
 * (from errorLinesOf), so lines after it are not mistaken for the path.
 */
export function errorPcFromPathLog(pathLog: string, errorLine: string | undefined): number | null {
  const lines = pathLog.split('\n').map((l) => l.replace(/\s+$/, ''));
  let end = lines.length;
  if (errorLine !== undefined && errorLine !== '') {
    const at = lines.lastIndexOf(errorLine);
    if (at >= 0) end = at;
  }
  for (let i = end - 1; i >= 0; i--) {
    const m = INSN_LINE_RE.exec(lines[i]!);
    if (m) return Number(m[1]);
  }
  return null;
}

/**
 * The pc named by an error message that the kernel prints before walking the program
 * (control-flow checks), e.g. `unreachable insn 3`, `jump out of range from insn 1 to 5`,
 * `back-edge from insn 4 to 2`, `infinite loop detected at insn 7`, `invalid insn idx 9`.
 */
export function errorPcFromMessage(message: string): number | null {
  const patterns: RegExp[] = [
    /^unreachable insn (\d+)/,
    /jump out of range from insn (\d+) to/,
    /^back-edge from insn (\d+) to/,
    /^infinite loop detected at insn (\d+)/,
    /^invalid BPF_LD_IMM insn/, // no number; handled by the caller
    /^last insn is not an exit or jmp/,
    /^jump to reserved code from insn (\d+)/,
    /^insn (\d+) /,
    /^invalid insn idx (\d+)/,
    /^the call stack of \d+ frames is too deep/, // no number
  ];
  for (const re of patterns) {
    const m = re.exec(message);
    if (m && m[1] !== undefined) return Number(m[1]);
  }
  return null;
}

/**
 * For messages that name an opcode or map fd but no pc (`unknown opcode 8d`, `fd -1 is not
 * pointing to valid bpf_map`), the first instruction of the (patched) program that matches.
 * Skips the second slot of every lddw.
 */
export function errorPcFromBytes(message: string, insns: Uint8Array): number | null {
  const slots = Math.floor(insns.length / 8);
  const op = /^unknown opcode ([0-9a-f]{1,2})\b/.exec(message);
  if (op) {
    const code = parseInt(op[1]!, 16);
    for (let pc = 0; pc < slots; pc++) {
      const c = insns[pc * 8]!;
      if (c === code) return pc;
      if (c === 0x18) pc++;
    }
    return null;
  }
  const fd = /^fd (-?\d+) is not pointing to valid bpf_map/.exec(message);
  if (fd) {
    const want = Number(fd[1]);
    const view = new DataView(insns.buffer, insns.byteOffset, insns.byteLength);
    for (let pc = 0; pc + 1 < slots; pc++) {
      if (insns[pc * 8] !== 0x18) continue;
      const src = insns[pc * 8 + 1]! >> 4;
      if ((src === 1 || src === 2) && view.getInt32(pc * 8 + 4, true) === want) return pc;
      pc++;
    }
    return null;
  }
  if (/^last insn is not an exit or jmp/.test(message)) return slots > 0 ? slots - 1 : null;
  return null;
}
