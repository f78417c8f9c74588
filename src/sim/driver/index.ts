// Kernel-driver mode: the same eBPF instructions run as an unchecked kernel driver on a simulated
// paged kernel address space. See docs/driver-mode.md.

export {
  runDriver, DriverMachine, DEFAULT_WATCHDOG_INSNS,
  type DriverOptions, type DriverResult, type DriverOutcome, type Leak, type Corruption, type ObjectDamage, type FieldDiff,
  type MemoryAccess, type MachineState, type Workload, type WorkloadState, type ObjectInfo, type DriverTraceStep,
  type FaultContextInfo,
} from './run.js';
export {
  defaultLayout, placeLayout, poolHeader, alignUp, FIRST_DRIVER_WINDOW,
  type DriverLayout, type MappingSpec, type KernelObjectSpec, type FieldSpec, type FieldCheck, type ObjectOwner, type PlacedObject,
  type PlacedMapping, type DefaultLayoutOptions, type ObjectFillContext, type FieldKind,
} from './layout.js';
export { STOP, formatBugcheckPanel, bugcheckPanelLines, type BugCheck, type BugCheckKind, type StopCode, type PanelLine } from './bugcheck.js';
export { KERNEL_BASE, CODE_BASE, PAGE_SIZE, toKernel, fromKernel, isCanonical, kaddr, hex64, hexShort } from './address.js';
export { SimMaps, elemSize, storageSize, type SimMap, HELPER_MAP_LOOKUP_ELEM, HELPER_MAP_UPDATE_ELEM, HELPER_MAP_DELETE_ELEM } from './maps.js';
