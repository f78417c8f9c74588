// Kernel objects laid out in pages of the simulated machine.
//
// A layout is a list of mappings; each mapping is a run of 4 KiB pages holding objects back to
// back. Each mapping becomes one VM region in a 16 MiB window of its own, so an access that runs
// off the last page of a mapping (or below its first) lands in unmapped VM memory and faults:
// that is the guard page. Everything inside the pages is really there, so an out-of-bounds access
// from one object into the next succeeds, as it does in a kernel.

import type { MapDef } from '../../runtime/maps/def.js';
import { elemSize, storageSize } from './maps.js';
import { PAGE_SIZE } from './address.js';
import { STOP, type StopCode } from './bugcheck.js';

/** Who owns an object: the driver (the program may use it), the rest of the kernel, or nobody. */
export type ObjectOwner = 'driver' | 'kernel' | 'free';

export type FieldKind = 'ptr' | 'u64' | 'u32' | 'ascii' | 'bytes';

/** What the kernel does when it finds a field changed at its next consistency check. */
export interface FieldCheck {
  readonly stop: StopCode;
  /** Bug-check parameter 1 (e.g. 3 = LIST_ENTRY corruption for 0x139). */
  readonly param1?: bigint;
  /** When the kernel looks: "when the process list is next walked". */
  readonly when: string;
}

export interface FieldSpec {
  readonly name: string;
  readonly off: number;
  readonly size: number;
  readonly kind?: FieldKind;
  /** Checked fields bring the machine down when changed; unchecked ones are silent corruption. */
  readonly check?: FieldCheck;
  /** Sensitive data (keys, credentials): worth calling out in a leak. */
  readonly secret?: boolean;
}

export interface ObjectFillContext {
  /** VM address of an object of the layout, by name (throws for an unknown name). */
  addressOf(name: string): number;
}

export interface KernelObjectSpec {
  readonly name: string;
  readonly owner: ObjectOwner;
  readonly size: number;
  /** Alignment of the object's start (default 16, as pool allocations). */
  readonly align?: number;
  /** One line saying what it is. */
  readonly what?: string;
  /** This object holds the values of the named map (array maps; size >= the map's storage). */
  readonly map?: string;
  /** This object is the program's input memory (r1 = its address, r2 = its length for `raw`). */
  readonly input?: boolean;
  readonly fields?: readonly FieldSpec[];
  /** Initial contents. */
  readonly fill?: (bytes: Uint8Array, ctx: ObjectFillContext) => void;
}

export interface MappingSpec {
  readonly name: string;
  readonly objects: readonly KernelObjectSpec[];
}

export interface DriverLayout {
  readonly mappings: readonly MappingSpec[];
}

/** An object where it ended up. */
export interface PlacedObject {
  readonly spec: KernelObjectSpec;
  readonly name: string;
  readonly owner: ObjectOwner;
  readonly mapping: string;
  /** VM address and offset in its mapping. */
  readonly address: number;
  readonly offset: number;
  readonly size: number;
}

export interface PlacedMapping {
  readonly name: string;
  /** VM base address (a 16 MiB window start). */
  readonly base: number;
  readonly size: number;
  readonly pages: number;
  readonly objects: readonly PlacedObject[];
}

/** First VM window used by driver mappings; one free window is left between mappings. */
export const FIRST_DRIVER_WINDOW = 0x40;

export function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** Computes addresses; the free space at the end of each mapping's last page becomes a free-pool object. */
export function placeLayout(layout: DriverLayout): PlacedMapping[] {
  return layout.mappings.map((m, i) => {
    const base = (FIRST_DRIVER_WINDOW + 2 * i) * (1 << 24);
    const objects: PlacedObject[] = [];
    let off = 0;
    for (const spec of m.objects) {
      off = alignUp(off, spec.align ?? 16);
      objects.push({ spec, name: spec.name, owner: spec.owner, mapping: m.name, address: base + off, offset: off, size: spec.size });
      off += spec.size;
    }
    const size = Math.max(PAGE_SIZE, alignUp(off, PAGE_SIZE));
    if (size - off >= 16) {
      const start = alignUp(off, 16);
      const spec: KernelObjectSpec = {
        name: `free pool block (${m.name})`, owner: 'free', size: size - start,
        what: 'unallocated pool memory; its pool header is checked when the allocator next splits the block',
        fields: [{ name: 'POOL_HEADER', off: 0, size: 16, kind: 'bytes', check: { stop: STOP.BAD_POOL_HEADER, param1: 0x20n, when: 'when the pool allocator next uses the free block' } }],
        fill: (b) => poolHeader(b, 'Free', (size - start) / 16),
      };
      objects.push({ spec, name: spec.name, owner: 'free', mapping: m.name, address: base + start, offset: start, size: size - start });
    }
    return { name: m.name, base, size, pages: size / PAGE_SIZE, objects };
  });
}

/** Writes a 16-byte x64 POOL_HEADER stand-in: block size (in 16-byte units), pool type, tag. */
export function poolHeader(b: Uint8Array, tag: string, blocks: number): void {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  v.setUint16(0, 0x0001, true); // previous size / pool index
  v.setUint16(2, (blocks & 0xff) | 0x0200, true); // block size | pool type (NonPagedPoolNx)
  for (let i = 0; i < 4; i++) b[4 + i] = tag.charCodeAt(i) || 0x20;
}

function ascii(b: Uint8Array, off: number, s: string, n: number): void {
  for (let i = 0; i < n; i++) b[off + i] = i < s.length ? s.charCodeAt(i) : 0;
}

export interface DefaultLayoutOptions {
  /** Bytes of the driver's input buffer (`mem`). */
  memSize: number;
  maps?: readonly MapDef[];
  /**
   * Packet programs: the context structure and the packet, placed in the pool page in place of
   * the input buffer; the packet is followed by its skb_shared_info, as in the kernel.
   */
  packetContext?: {
    readonly struct: string;
    readonly size: number;
    /** The packet (xdp, socket_filter); null for context-only types (kprobe). */
    readonly packet: Uint8Array | null;
    /** Bytes of headroom in front of the packet data (XDP frames). */
    readonly headroom?: number;
    /** Fills the context given the packet's address. */
    readonly fill: (bytes: Uint8Array, packetAddress: number) => void;
  };
}

const POOL_HEADER_FIELD = (when: string): FieldSpec => ({
  name: 'POOL_HEADER', off: 0, size: 16, kind: 'bytes', check: { stop: STOP.BAD_POOL_HEADER, param1: 0x20n, when },
});

/**
 * The default machine: one nonpaged-pool page (more if the buffers need them) holding, in order,
 * the credentials of lsass.exe, the driver's input buffer (`mem`), one object per map (the map's
 * values), and the process-list entry of explorer.exe; then free pool up to the end of the page.
 * A second mapping holds kernel data the list entries point to.
 */
export function defaultLayout(opts: DefaultLayoutOptions): DriverLayout {
  const maps = opts.maps ?? [];
  const pool: KernelObjectSpec[] = [
    {
      name: 'lsass.exe credentials', owner: 'kernel', size: 0x50,
      what: 'the access token of lsass.exe (a pool allocation, tag "Toke")',
      fields: [
        POOL_HEADER_FIELD('when the token is freed'),
        { name: 'RefCount', off: 0x10, size: 4, kind: 'u32' },
        { name: 'Flags', off: 0x14, size: 4, kind: 'u32' },
        { name: 'uid', off: 0x18, size: 4, kind: 'u32' },
        { name: 'gid', off: 0x1c, size: 4, kind: 'u32' },
        { name: 'Privileges', off: 0x20, size: 8, kind: 'u64' },
        { name: 'SessionKey', off: 0x28, size: 16, kind: 'ascii', secret: true },
        { name: 'LogonId', off: 0x38, size: 8, kind: 'u64' },
        { name: 'Owner', off: 0x40, size: 16, kind: 'ascii' },
      ],
      fill: (b) => {
        poolHeader(b, 'Toke', 5);
        const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
        v.setUint32(0x10, 3, true);
        v.setUint32(0x14, 0x2000, true);
        v.setUint32(0x18, 1000, true);
        v.setUint32(0x1c, 1000, true);
        v.setBigUint64(0x20, 0x0000000000080000n, true);
        ascii(b, 0x28, 'K3rb-s3ss10n-k3y', 16);
        v.setBigUint64(0x38, 0x3e7n, true);
        ascii(b, 0x40, 'NT AUTHORITY', 16);
      },
    },
    {
      name: 'driver buffer header', owner: 'kernel', size: 16,
      what: 'the pool header in front of the driver\'s own buffer',
      fields: [POOL_HEADER_FIELD('when the driver frees its buffer')],
      fill: (b) => poolHeader(b, 'Sim1', alignUp(Math.max(opts.memSize, 1), 16) / 16 + 1),
    },
  ];
  const pc = opts.packetContext;
  if (pc) {
    pool.push(
      {
        name: `context (${pc.struct})`, owner: 'driver', size: pc.size, input: true,
        what: `the program's context, struct ${pc.struct} (r1)`, fill: (b, ctx) => pc.fill(b, pc.packet ? ctx.addressOf('packet data') : 0),
      },
    );
  }
  if (pc && pc.packet) {
    const packet = pc.packet;
    pool.push(
      ...(pc.headroom ? [{ name: 'packet headroom', owner: 'driver' as const, size: pc.headroom, what: 'headroom of the packet frame' }] : []),
      { name: 'packet data', owner: 'driver', size: packet.length, align: pc.headroom ? 1 : 16, what: 'the packet', fill: (b) => b.set(packet) },
      {
        name: 'skb_shared_info', owner: 'kernel', size: 0x140, align: 64,
        what: 'the shared info at the end of the packet buffer (fragments, destructor)',
        fields: [
          { name: 'flags', off: 0, size: 8, kind: 'u64' },
          { name: 'gso_size', off: 8, size: 8, kind: 'u64' },
          { name: 'frag_list', off: 0x10, size: 8, kind: 'ptr' },
          { name: 'destructor_arg', off: 0x28, size: 8, kind: 'ptr' },
          { name: 'frags', off: 0x30, size: 0x110, kind: 'bytes' },
        ],
        fill: (b, ctx) => {
          const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
          v.setBigUint64(0x28, BigInt(ctx.addressOf('explorer.exe process entry')), true);
        },
      },
    );
  }
  if (!pc) {
    pool.push({
      name: 'driver buffer', owner: 'driver', size: Math.max(opts.memSize, 0), input: true,
      what: 'the driver\'s input buffer (the program\'s `mem`: r1 = its address, r2 = its length)',
    });
  }
  for (const m of maps) {
    pool.push({
      name: `map ${m.name} values`, owner: 'driver', size: storageSize(m), map: m.name, align: 8,
      what: `the values of map ${m.name} (${m.type}, ${m.maxEntries} x ${elemSize(m)} bytes)`,
    });
  }
  pool.push({
    name: 'explorer.exe process entry', owner: 'kernel', size: 0x70,
    what: 'the process object of explorer.exe, linked into the active process list',
    fields: [
      POOL_HEADER_FIELD('when the process object is freed'),
      { name: 'ActiveProcessLinks.Flink', off: 0x10, size: 8, kind: 'ptr', check: { stop: STOP.KERNEL_SECURITY_CHECK_FAILURE, param1: 3n, when: 'when the scheduler next walks the active process list (LIST_ENTRY integrity check)' } },
      { name: 'ActiveProcessLinks.Blink', off: 0x18, size: 8, kind: 'ptr', check: { stop: STOP.KERNEL_SECURITY_CHECK_FAILURE, param1: 3n, when: 'when the scheduler next walks the active process list (LIST_ENTRY integrity check)' } },
      { name: 'UniqueProcessId', off: 0x20, size: 8, kind: 'u64' },
      { name: 'ImageFileName', off: 0x28, size: 16, kind: 'ascii' },
      { name: 'Token', off: 0x38, size: 8, kind: 'ptr' },
      { name: 'ThreadListHead.Flink', off: 0x40, size: 8, kind: 'ptr', check: { stop: STOP.KERNEL_SECURITY_CHECK_FAILURE, param1: 3n, when: 'when the next thread of explorer.exe exits (LIST_ENTRY integrity check)' } },
      { name: 'ThreadListHead.Blink', off: 0x48, size: 8, kind: 'ptr', check: { stop: STOP.KERNEL_SECURITY_CHECK_FAILURE, param1: 3n, when: 'when the next thread of explorer.exe exits (LIST_ENTRY integrity check)' } },
      { name: 'CreateTime', off: 0x50, size: 8, kind: 'u64' },
      { name: 'Flags', off: 0x58, size: 8, kind: 'u64' },
      { name: 'Peb', off: 0x60, size: 8, kind: 'u64' },
    ],
    fill: (b, ctx) => {
      poolHeader(b, 'Proc', 7);
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const head = ctx.addressOf('PsActiveProcessHead');
      v.setBigUint64(0x10, BigInt(head), true);
      v.setBigUint64(0x18, BigInt(head), true);
      v.setBigUint64(0x20, 4242n, true);
      ascii(b, 0x28, 'explorer.exe', 16);
      v.setBigUint64(0x38, BigInt(ctx.addressOf('lsass.exe credentials')), true);
      const self = ctx.addressOf('explorer.exe process entry');
      v.setBigUint64(0x40, BigInt(self + 0x40), true);
      v.setBigUint64(0x48, BigInt(self + 0x40), true);
      v.setBigUint64(0x50, 0x01daf7a1c0ffee00n, true);
      v.setBigUint64(0x58, 0x144d0c01n, true);
      v.setBigUint64(0x60, 0x000000d8a4b2e000n, true);
    },
  });
  return {
    mappings: [
      { name: 'nonpaged pool', objects: pool },
      {
        name: 'kernel data', objects: [
          {
            name: 'PsActiveProcessHead', owner: 'kernel', size: 16, what: 'the head of the active process list',
            fields: [
              { name: 'Flink', off: 0, size: 8, kind: 'ptr', check: { stop: STOP.KERNEL_SECURITY_CHECK_FAILURE, param1: 3n, when: 'when the process list is next walked' } },
              { name: 'Blink', off: 8, size: 8, kind: 'ptr', check: { stop: STOP.KERNEL_SECURITY_CHECK_FAILURE, param1: 3n, when: 'when the process list is next walked' } },
            ],
            fill: (b, ctx) => {
              const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
              const e = ctx.addressOf('explorer.exe process entry') + 0x10;
              v.setBigUint64(0, BigInt(e), true);
              v.setBigUint64(8, BigInt(e), true);
            },
          },
        ],
      },
    ],
  };
}
