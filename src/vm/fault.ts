// Faults: how a run that cannot continue reports why. Always a value, never an exception.

import type { Insn } from '../isa/index.js';

export type FaultKind =
  | 'null_pointer'
  | 'unmapped'
  | 'out_of_bounds'
  | 'read_only'
  | 'write_only'
  | 'budget'
  | 'bad_jump'
  | 'fell_off_end'
  | 'call_depth'
  | 'unknown_helper'
  | 'helper'
  | 'kfunc'
  | 'unsupported'
  | 'unresolved_pseudo'
  | 'invalid_insn'
  /** A bug in bpfbox itself, reported instead of thrown. */
  | 'internal';

export interface Fault {
  /** Stable code, e.g. `E_OUT_OF_BOUNDS`, `E_BUDGET`, `E_BAD_JUMP`. */
  readonly code: string;
  readonly kind: FaultKind;
  /** Slot of the instruction that faulted (for a budget fault: the next one, not executed). */
  readonly pc: number;
  /** That instruction, or null if the slot holds none. */
  readonly insn: Insn | null;
  /** Plain-words explanation. */
  readonly message: string;
  /** Accessed address as `0x...` (memory faults), else null. */
  readonly address: string | null;
  /** Access size in bytes (memory faults), else null. */
  readonly size: number | null;
  /** Name of the region involved, if any. */
  readonly region: string | null;
}

export function makeFault(
  code: string,
  kind: FaultKind,
  pc: number,
  insn: Insn | null,
  message: string,
  mem: { address: string; size: number; region: string | null } | null = null,
): Fault {
  return {
    code,
    kind,
    pc,
    insn,
    message,
    address: mem ? mem.address : null,
    size: mem ? mem.size : null,
    region: mem ? mem.region : null,
  };
}

/** `pc 12: load of 4 bytes at 0x0 dereferences a null pointer [E_NULL_POINTER]` */
export function formatFault(f: Fault): string {
  return `pc ${f.pc}: ${f.message} [${f.code}]`;
}
