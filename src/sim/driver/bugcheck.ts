// Bug checks (Windows "stop codes") of the simulated machine and the BSOD-style panel.
//
// The simulated machine is Windows-flavoured because the Channel File 291 incident was: a page
// fault in kernel mode is bug check 0x50 PAGE_FAULT_IN_NONPAGED_AREA (Microsoft Learn, "Bug Check
// 0x50"), which "cannot be protected by try-except". The other stop codes used are documented
// Windows bug checks chosen for the same kind of event; docs/driver-mode.md says why each one.

import { wrapWords } from '../../util/text.js';

export interface StopCode {
  readonly code: number;
  readonly name: string;
}

export const STOP = {
  /** A kernel-mode access to an invalid (unmapped, non-canonical, guard) page. */
  PAGE_FAULT_IN_NONPAGED_AREA: { code: 0x50, name: 'PAGE_FAULT_IN_NONPAGED_AREA' },
  /** The kernel detected corruption of a critical data structure (parameter 1 = 3: LIST_ENTRY). */
  KERNEL_SECURITY_CHECK_FAILURE: { code: 0x139, name: 'KERNEL_SECURITY_CHECK_FAILURE' },
  /** A pool block's header was corrupted (found when the block is next freed or walked). */
  BAD_POOL_HEADER: { code: 0x19, name: 'BAD_POOL_HEADER' },
  /** A single DPC or the CPU ran too long at raised IRQL: the watchdog gives up on the machine. */
  DPC_WATCHDOG_VIOLATION: { code: 0x133, name: 'DPC_WATCHDOG_VIOLATION' },
  /** An exception in kernel mode that nothing handled (invalid instruction, bad jump, helper fault). */
  KMODE_EXCEPTION_NOT_HANDLED: { code: 0x1e, name: 'KMODE_EXCEPTION_NOT_HANDLED' },
  /** Kernel stack exhausted (call depth): a double fault on the guard page. */
  UNEXPECTED_KERNEL_MODE_TRAP: { code: 0x7f, name: 'UNEXPECTED_KERNEL_MODE_TRAP' },
} as const satisfies Record<string, StopCode>;

export type BugCheckKind = 'page_fault' | 'corruption' | 'lockup' | 'exception';

export interface PanelLine {
  readonly text: string;
  /** The trace step (1-based instruction count) this line comes from, when it comes from one. */
  readonly step: number | null;
}

export interface BugCheck {
  readonly kind: BugCheckKind;
  readonly code: number;
  readonly name: string;
  /** The four bug-check parameters as 0x... strings. */
  readonly params: readonly [string, string, string, string];
  /** Module and faulting instruction. */
  readonly module: string;
  readonly pc: number | null;
  readonly insnText: string | null;
  /** Faulting instruction pointer (kernel style). */
  readonly ip: string | null;
  /** Displayed address of the access (page faults), with what lives there. */
  readonly address: string | null;
  readonly addressClass: string | null;
  readonly access: 'read' | 'write' | null;
  /** r0..r10 at the moment of the fault, kernel-style. */
  readonly registers: readonly string[];
  /** One line of explanation. */
  readonly reason: string;
  /** Extra lines the caller supplied (the scenario's content file and record). */
  readonly context: readonly string[];
  /** 1-based instruction count of the faulting step (null for checks after the run). */
  readonly step: number | null;
}


function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** The panel as structured lines, each linked to the trace step that produced it. */
export function bugcheckPanelLines(b: BugCheck): PanelLine[] {
  const lines: PanelLine[] = [];
  const step = b.step;
  lines.push({ text: ':(  Your simulated machine ran into a problem and halted.', step: null });
  lines.push({ text: '', step: null });
  lines.push({ text: `STOP 0x${b.code.toString(16).toUpperCase().padStart(2, '0')} ${b.name}`, step });
  lines.push({ text: `parameters: ${b.params.join(', ')}`, step });
  const where = b.pc !== null ? `insn ${b.pc}: ${b.insnText ?? '?'}` : '';
  lines.push({ text: `${pad(`module: ${b.module}`, 46)} ${where}`.trimEnd(), step });
  if (b.address !== null) {
    const acc = b.access ?? 'access';
    lines.push({ text: `${acc} address: ${b.address}${b.addressClass ? ` (${b.addressClass})` : ''}${b.ip ? `   ip: ${b.ip}` : ''}`, step });
  }
  for (const c of b.context) lines.push({ text: c, step });
  for (const [i, part] of wrapWords(b.reason, 88).entries()) lines.push({ text: `${i === 0 ? 'reason: ' : '        '}${part}`, step });
  if (b.registers.length > 0) {
    for (let i = 0; i < b.registers.length; i += 3) {
      lines.push({ text: b.registers.slice(i, i + 3).map((r) => pad(r, 26)).join(' ').trimEnd(), step });
    }
  }
  return lines;
}

/** The BSOD-style panel as text (no colours; the CLI may colour it). */
export function formatBugcheckPanel(b: BugCheck): string {
  const lines = bugcheckPanelLines(b).map((l) => l.text);
  const width = Math.max(...lines.map((l) => l.length)) + 2;
  const bar = '+' + '-'.repeat(width) + '+';
  return [bar, ...lines.map((l) => '| ' + pad(l, width - 1) + '|'), bar].join('\n');
}
