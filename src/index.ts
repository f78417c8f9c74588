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
export { ObjectRuntime, type ObjectRunOptions, type ObjectRunResult, type ObjectRun } from './runtime/object.js';
export { formatPrintk, MAX_BPRINTF_BUF, MAX_TRACE_PRINTK_VARARGS } from './runtime/printk.js';
export {
  MapSet, MapDefError, checkMapDef, createMapRuntime, mapsFromJson, mapsToJson, formatMaps, mapHandle,
  MAP_TYPE_IDS, mapTypeName, mapTypeId, type BpfMap, type MapRuntime, type MapJson, type MapSetOptions, type MapOrigin,
} from './runtime/maps/index.js';
// ELF objects: reading, loading, inspecting, writing; BTF and its line info.
export * from './elf/index.js';
export { parseBtf, BtfError, btfMapDefinitions, btfDatasecVars, type Btf, type BtfType, type BtfMapDefinition } from './elf/btf.js';
export { parseBtfExt, type BtfExt, type BtfLineInfo, type BtfFuncInfo } from './elf/btfext.js';
export { writeObject, objectFromAssembly, type ObjectToWrite, type AssemblyObjectOptions } from './elf/writer.js';
export { loadObjectFile, selectProgram } from './input/load.js';
// Driver mode, the side-by-side comparison, the Channel File 291 miniature and the fleet: one
// namespace each (their names are short and would collide at the top level).
export * as driver from './sim/driver/index.js';
export * as scenario from './sim/scenario/index.js';
export * as fleet from './sim/fleet/index.js';
export { compareRun, compareToJson, formatCompare, type CompareOptions, type CompareResult } from './sim/compare/index.js';
