// The sandboxed eBPF interpreter: public API.
//
//   const prepared = prepare(program);          // pre-decode once
//   const res = run(prepared, { mem });         // res.r0, res.insns, res.fault
//   const vm = new Vm(prepared, opts); vm.step(); vm.getReg(0);   // step by step

import type { Program } from '../isa/index.js';
import { type RunOptions, type RunResult, Vm, toPrepared } from './machine.js';
import type { PreparedProgram } from './prepare.js';

export { prepare, isPrepared, type PreparedProgram, type TrapInfo } from './prepare.js';
export {
  Vm,
  DEFAULT_MAX_INSNS,
  MAX_BUDGET,
  NUM_REGS,
  MAX_TAIL_CALL_CNT,
  BPF_MAX_LOOPS,
  FUNC_BASE,
  type RunOptions,
  type RunResult,
  type TraceStep,
  type RegisterChange,
  type VmState,
} from './machine.js';
export { type Fault, type FaultKind, formatFault } from './fault.js';
export {
  Memory,
  type Region,
  type RegionOptions,
  type AccessKind,
  type AccessProblem,
  hexAddress,
  MEM_BASE,
  STACK_BASE,
  STACK_SIZE,
  MAX_FRAMES,
  WINDOW_SIZE,
} from './memory.js';
export {
  type HelperFn,
  type HelperContext,
  type LegacyPacketLoad,
  type PseudoRequest,
  type PseudoResolver,
  defaultHelpers,
  packetLoader,
  ktimeGetNs,
  HELPER_KTIME_GET_NS,
  SIM_CLOCK_START_NS,
} from './helpers.js';

// One machine is reused by `run` so a tiny program does not pay for allocating stacks and tables
// each time. A helper that calls `run` from inside a run gets a fresh machine instead.
let pooled: Vm | null = null;
let pooledBusy = false;

/**
 * Runs a program to completion and returns its result. Never throws for any program or input
 * memory: problems come back as `result.fault`.
 */
export function run(program: PreparedProgram | Program, opts: RunOptions = {}): RunResult {
  const prepared = toPrepared(program);
  if (pooledBusy) return new Vm(prepared, opts).run();
  pooledBusy = true;
  try {
    if (pooled) pooled.load(prepared, opts);
    else pooled = new Vm(prepared, opts);
    return pooled.run();
  } finally {
    pooledBusy = false;
  }
}
