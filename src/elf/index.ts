// ELF objects: reading (reader), loading as programs and maps (loader), section-name program types
// (sections), summaries for `bpfbox inspect` (inspect). BTF and the object writer live beside them.

export { ElfError, parseElf, readElf, relocTypeName, type ElfFile, type ElfRel, type ElfRelSection, type ElfSectionHeader, type ElfSymbol } from './reader.js';
export { loadObject, type LoadObjectOptions } from './loader.js';
export { PROG_TYPE_IDS, bpfboxTypeOf, progTypeOfSection, type KernelProgType, type SectionProgType } from './sections.js';
export type { BtfSummary, ElfProgram, ElfRelocation, ElfSection, LoadedObject, SourceLine } from './types.js';
export { formatInspect, inspectToJson, type InspectOptions } from './inspect.js';
