// The stepping core of `bpfbox step` and the web page: one deterministic session per program and
// input (src/debug/session.ts), the verifier's view per instruction (verifier.ts), memory-safety
// obligations with real numbers (obligation.ts) and trace files (trace.ts). No node: imports.
//
//   const s = DebugSession.create(loaded, { progType: 'raw', mode: 'sandbox', mem });
//   s.addBreakpoint('next_pair');  s.continue();  s.step();  s.back();  s.goto(10);
//   s.registers(); s.lastStep(); s.verifier().statesAt(s.pc); s.obligation();
//   const json = saveTrace(s);  loadTrace(json, { load: loadProgramBytes });

export {
  DebugSession, stateDifference, registerUse, hexBytes,
  type StepRecord, type MemAccessRecord, type InsnText, type Breakpoint, type Watchpoint, type StopReason, type ListingLine,
  type RegionView, type FullState, type SessionOptions,
} from './session.js';
export { buildMachine, type RunInput, type DebugMode, type DebugProgram, type BuiltMachine, type DriverExtra } from './machine.js';
export { verifierView, parseVerifierLog, pathToEnd, type VerifierView, type LogEntry, type LogEntryKind } from './verifier.js';
export { obligationFor, type Obligation } from './obligation.js';
export { saveTrace, loadTrace, hexToBytes, TRACE_FORMAT, TRACE_VERSION, type TraceFile, type TraceLoaders } from './trace.js';
export { describeStep, formatRegisters, stackSlots, type StackSlot } from './describe.js';
