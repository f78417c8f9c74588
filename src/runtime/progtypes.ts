// Program types: the context layout, which context fields may be read or written and how, the
// helpers the type may call, the return-value rule and the initial registers. One declaration,
// read by the verifier and (later) by the interpreter.

/** What a context field read produces. */
export type CtxFieldKind = 'scalar' | 'pkt' | 'pkt_end' | 'pkt_meta';

export interface CtxField {
  readonly name: string;
  readonly off: number;
  /** Field size in bytes. */
  readonly size: number;
  readonly kind: CtxFieldKind;
  /** Access sizes allowed for reads (narrower loads of a field are allowed where the kernel allows them). */
  readonly readSizes: readonly number[];
  /** Access sizes allowed for writes (empty: read-only). */
  readonly writeSizes: readonly number[];
}

export type ProgTypeName = 'raw' | 'xdp' | 'socket_filter' | 'kprobe';

export interface ProgType {
  readonly name: ProgTypeName;
  /** Context structure size in bytes; 0 for `raw` (r1 is a memory region, not a context). */
  readonly ctxSize: number;
  readonly ctxStruct: string;
  readonly fields: readonly CtxField[];
  /** Helper ids the type may call. */
  readonly helpers: ReadonlySet<number>;
  /** Of those, the ones an unprivileged loader may not call (CAP_BPF / CAP_PERFMON helpers). */
  readonly privilegedHelpers: ReadonlySet<number>;
  /** Allowed return range of R0 at the main program's exit, or null for "any scalar". */
  readonly retRange: { readonly min: number; readonly max: number } | null;
  /** Whether unprivileged loaders may load this type (the kernel allows socket filters only). */
  readonly unprivileged: boolean;
  /** Direct packet access (data/data_end pointers in the context). */
  readonly directPacketAccess: boolean;
}

const u32Field = (name: string, off: number, kind: CtxFieldKind = 'scalar', readSizes = [4], writeSizes: number[] = []): CtxField =>
  ({ name, off, size: 4, kind, readSizes, writeSizes });

const XDP_FIELDS: CtxField[] = [
  u32Field('data', 0, 'pkt'),
  u32Field('data_end', 4, 'pkt_end'),
  u32Field('data_meta', 8, 'pkt_meta'),
  u32Field('ingress_ifindex', 12),
  u32Field('rx_queue_index', 16),
  // egress_ifindex (20) is readable only by devmap programs (expected_attach_type BPF_XDP_DEVMAP).
];

// struct __sk_buff fields a socket filter may read: narrow (1/2/4-byte aligned) reads of the u32
// fields; cb[] also writable. data/data_end/data_meta, tc_classid, family..local_port, tstamp,
// wire_len, hwtstamp and flow_keys are not accessible to socket filters.
const NARROW = [1, 2, 4];
const SKB_FIELDS: CtxField[] = [
  u32Field('len', 0, 'scalar', NARROW),
  u32Field('pkt_type', 4, 'scalar', NARROW),
  u32Field('mark', 8, 'scalar', NARROW),
  u32Field('queue_mapping', 12, 'scalar', NARROW),
  u32Field('protocol', 16, 'scalar', NARROW),
  u32Field('vlan_present', 20, 'scalar', NARROW),
  u32Field('vlan_tci', 24, 'scalar', NARROW),
  u32Field('vlan_proto', 28, 'scalar', NARROW),
  u32Field('priority', 32, 'scalar', NARROW),
  u32Field('ingress_ifindex', 36, 'scalar', NARROW),
  u32Field('ifindex', 40, 'scalar', NARROW),
  u32Field('tc_index', 44, 'scalar', NARROW),
  ...[0, 1, 2, 3, 4].map((i) => u32Field(`cb[${i}]`, 48 + 4 * i, 'scalar', NARROW, [1, 2, 4, 8])),
  u32Field('hash', 68, 'scalar', NARROW),
  u32Field('napi_id', 84, 'scalar', NARROW),
  u32Field('gso_segs', 164, 'scalar', NARROW),
  u32Field('gso_size', 176, 'scalar', NARROW),
];

// struct pt_regs of x86-64, the kprobe context: 21 u64 registers, read-only. The kernel's
// kprobe_prog_is_valid_access allows any aligned 1/2/4/8-byte read inside the structure.
export const PT_REGS_FIELDS = [
  'r15', 'r14', 'r13', 'r12', 'bp', 'bx', 'r11', 'r10', 'r9', 'r8', 'ax', 'cx', 'dx', 'si', 'di', 'orig_ax', 'ip',
  'cs', 'flags', 'sp', 'ss',
] as const;
const KPROBE_FIELDS: CtxField[] = PT_REGS_FIELDS.map((name, i) => ({
  name, off: 8 * i, size: 8, kind: 'scalar', readSizes: [1, 2, 4, 8], writeSizes: [],
}));

// Helper sets as the running kernel (Linux 6.18) gives them to a privileged loader: each id was
// tried on a program of each type (`program of this type cannot use helper ...` or not).
// Base (bpf_base_func_proto and the types' own lists): map operations, time, random, printk...
const BASE_HELPERS = [1, 2, 3, 5, 6, 7, 8];
/** Common to socket filters, XDP and kprobes in 6.18 (bpf_base_func_proto with CAP_BPF/PERFMON). */
const COMMON_HELPERS = [12, 14, 15, 16, 25, 35, 87, 88, 89, 112, 113, 114, 115, 125, 130, 131, 132, 133, 134, 177, 181];
/** Helpers an unprivileged loader does not get (they need CAP_BPF or CAP_PERFMON). */
const PRIVILEGED_HELPERS = new Set([4, 6, 14, 15, 16, 27, 35, 45, 67, 112, 113, 114, 115, 177]);

export const PROG_TYPES: Readonly<Record<ProgTypeName, ProgType>> = {
  raw: {
    name: 'raw', ctxSize: 0, ctxStruct: '', fields: [],
    // the helpers that need no context (the kernel loads raw programs as XDP)
    helpers: new Set([...BASE_HELPERS, 14, 15, 16, 28, 87, 88, 89, 112, 113, 114, 115, 125, 130, 131, 132, 133, 134, 160, 177, 181]),
    privilegedHelpers: PRIVILEGED_HELPERS, retRange: null, unprivileged: true, directPacketAccess: false,
  },
  xdp: {
    name: 'xdp', ctxSize: 24, ctxStruct: 'xdp_md', fields: XDP_FIELDS,
    helpers: new Set([...BASE_HELPERS, ...COMMON_HELPERS, 23, 28, 44, 51, 54, 65, 69, 160, 188, 189, 190]),
    privilegedHelpers: PRIVILEGED_HELPERS, retRange: null, unprivileged: false, directPacketAccess: true,
  },
  socket_filter: {
    name: 'socket_filter', ctxSize: 192, ctxStruct: '__sk_buff', fields: SKB_FIELDS,
    helpers: new Set([...BASE_HELPERS, ...COMMON_HELPERS, 26, 46, 47, 160]),
    privilegedHelpers: PRIVILEGED_HELPERS, retRange: null, unprivileged: true, directPacketAccess: false,
  },
  kprobe: {
    // tracing programs do not get ktime_get_coarse_ns (160); the return value is not checked
    name: 'kprobe', ctxSize: 168, ctxStruct: 'pt_regs', fields: KPROBE_FIELDS,
    helpers: new Set([...BASE_HELPERS, ...COMMON_HELPERS, 4, 27, 45, 67]),
    privilegedHelpers: PRIVILEGED_HELPERS, retRange: null, unprivileged: false, directPacketAccess: false,
  },
};

export function progType(name: ProgTypeName): ProgType {
  return PROG_TYPES[name];
}

/**
 * The field a context access of `size` bytes at `off` touches, if the type allows it; `null` when
 * the kernel's is_valid_access callback would refuse it.
 */
export function ctxAccess(t: ProgType, off: number, size: number, write: boolean): CtxField | null {
  if (off < 0 || off >= t.ctxSize || size <= 0 || off % size !== 0) return null;
  for (const f of t.fields) {
    if (f.name.startsWith('cb[') && off >= 48 && off < 68) {
      // cb[0..4] is one region: any aligned 1/2/4/8-byte read or write inside it.
      return off + size <= 68 && [1, 2, 4, 8].includes(size) ? f : null;
    }
    if (off >= f.off && off < f.off + f.size) {
      const sizes = write ? f.writeSizes : f.readSizes;
      if (!sizes.includes(size)) return null;
      if (off + size > f.off + f.size) return null;
      return f;
    }
  }
  return null;
}
