// bpfbox library API. The CLI (src/cli) and, later, the web page are thin shells over these.

export * from './util/diagnostics.js';
export * from './isa/index.js';
export * from './asm/index.js';
export * from './vm/index.js';
export { parseDataFile, type DataFile } from './conformance/datafile.js';
export { collectDataFiles, runConformanceTest, type TestOutcome, type TestStatus, type ConformanceOptions } from './conformance/runner.js';
export { runPlugin, type PluginResult } from './conformance/plugin.js';
export * from './oracle/index.js';
export {
  verify, verifyBytes, decodeRejection, COMPLEXITY_LIMIT, UNPRIV_INSN_LIMIT, kernelInsnText, formatReg,
  type VerifyOptions, type VerifyResult, type VerifyStats, type VerifierError, type VState, type Reg, type RegType,
  type FuncState,
} from './verifier/index.js';
export { HELPER_PROTOS, helperProto, helperLogName, type HelperProto, type HelperArg, type HelperRet, type MapDef, type MapType } from './runtime/helpers.js';
export { PROG_TYPES, progType, ctxAccess, type ProgType, type ProgTypeName, type CtxField, type CtxFieldKind } from './runtime/progtypes.js';
export {
  ProgramContext, runProgram, packetProblem, xdpActionName, XDP_ACTIONS, ETH_HLEN, DEFAULT_PACKET_SIZE, MAX_PACKET_SIZE,
  SKF_NET_OFF, SKF_LL_OFF, TEST_RUN_IFINDEX, DEFAULT_PRANDOM_SEED, HELPER_GET_PRANDOM_U32, HELPER_GET_SMP_PROCESSOR_ID,
  HELPER_XDP_GET_BUFF_LEN, HELPER_XDP_LOAD_BYTES, HELPER_XDP_STORE_BYTES,
  type ContextOptions, type ProgRunOptions, type ProgRunResult, type XdpAction,
} from './runtime/context.js';
export {
  loadProgramBytesOnly, type ProgramBytes,
  loadProgramFile, loadProgramBytes, parseHexBytes, inputKindOf,
  type LoadedProgram, type LoadOptions, type InputKind,
} from './input/load.js';
