// Maps: the kernel's map types simulated for bpfbox programs. See docs/runtime-maps.md.
//
//   const set = new MapSet(obj.maps, { cpus: 4 });       // or MapSet.create(...) for a Result
//   set.get('blocked')!.update(key, value, BPF_ANY);     // host side, as bpf() would
//   const rt = createMapRuntime(set, { cpu: 0 });
//   run(program, { helpers: rt.helpers(), resolvePseudo: rt.resolvePseudo, setup: (vm) => rt.setup(vm) });

export * from './def.js';
export * from './errno.js';
export {
  type BpfMap, type MapEntry, MapBase, ArrayMap, HashMap, FdArrayMap, RingBufMap, QueueStackMap, InertMap,
  BPF_RINGBUF_BUSY_BIT, BPF_RINGBUF_DISCARD_BIT, BPF_F_NO_COMMON_LRU, HOST_CPU, readOnlyForPrograms, BPF_RINGBUF_HDR_SZ, MAX_RINGBUF_BYTES, innerCompatible,
} from './maps.js';
export {
  MapSet, type MapSetOptions, MapDefError, checkMapDef, RUNTIME_MAP_TYPES, DEFAULT_CPUS, MAX_CPUS,
} from './set.js';
export {
  createMapRuntime, type MapRuntime, mapHandle, MAP_HELPER_IDS, describeErrno,
  HELPER_MAP_LOOKUP_ELEM, HELPER_MAP_UPDATE_ELEM, HELPER_MAP_DELETE_ELEM, HELPER_MAP_PUSH_ELEM, HELPER_MAP_POP_ELEM,
  HELPER_MAP_PEEK_ELEM, HELPER_RINGBUF_OUTPUT, HELPER_RINGBUF_RESERVE, HELPER_RINGBUF_SUBMIT, HELPER_RINGBUF_DISCARD,
  HELPER_RINGBUF_QUERY, HELPER_MAP_LOOKUP_PERCPU_ELEM,
} from './runtime.js';
export { mapsFromJson, type MapsFromJsonOptions, mapsToJson, type MapJson, formatMaps, parseBytes, hex, leInt } from './json.js';
export { KernelLru, lruCapacity } from './lru.js';
export { HANDLE_BASE, HANDLE_STRIDE, TOP_MAP_WINDOW, LOWEST_MAP_WINDOW } from './storage.js';
