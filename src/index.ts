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
  loadProgramFile, loadProgramBytes, parseHexBytes, inputKindOf,
  type LoadedProgram, type LoadOptions, type InputKind,
} from './input/load.js';
