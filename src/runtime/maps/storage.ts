// Where map values live: storage chunks (plain Uint8Arrays of at most 16 MiB) that programs see as
// interpreter regions. Each chunk owns a fixed 16 MiB address window for the life of its MapSet,
// so a value's address is the same in every run and every Vm (the lddw map_value resolver has no
// Vm to ask). Windows are handed out from the top of the address space (0xfe downwards), away
// from the regions the context builders add from 0x30 upwards. Chunks are allocated on first use:
// a hash map with a million entries costs nothing until something is stored in it.

import type { Memory } from '../../vm/memory.js';

export const WINDOW_BYTES = 1 << 24;
/** Map handles (what `r1 = map_fd(i) ll` loads) point into this window, which is never mapped. */
export const HANDLE_WINDOW = 0x0f;
export const HANDLE_BASE = HANDLE_WINDOW * WINDOW_BYTES;
export const HANDLE_STRIDE = 64;
/** Highest and lowest windows map storage may take. */
export const TOP_MAP_WINDOW = 0xfe;
export const LOWEST_MAP_WINDOW = 0x30;

/** Hands out address windows, top down; a window is never taken back. */
export class WindowAllocator {
  private next = TOP_MAP_WINDOW;

  /** The lowest of `count` consecutive free windows, or null when the address space is used up. */
  take(count = 1): number | null {
    const low = this.next - count + 1;
    if (low < LOWEST_MAP_WINDOW) return null;
    this.next = low - 1;
    return low;
  }

  /** Windows still free. */
  get free(): number {
    return this.next - LOWEST_MAP_WINDOW + 1;
  }
}

/** Every byte array bpfbox created as map storage (to recognise its own stale regions). */
const MAP_STORAGE = new WeakSet<Uint8Array>();

export function newStorage(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  MAP_STORAGE.add(bytes);
  return bytes;
}

/**
 * Makes `bytes` visible at window `window` of `memory`. Returns null on success, else why not
 * (the window is used by a region that is not map storage).
 */
export function mapWindow(memory: Memory, window: number, name: string, bytes: Uint8Array, writable: boolean): string | null {
  const there = memory.regionInWindow(window);
  if (there) {
    if (there.bytes === bytes && there.writable === writable) return null;
    if (!MAP_STORAGE.has(there.bytes)) {
      return `map storage "${name}" needs address window 0x${window.toString(16)}, which region "${there.name}" uses`;
    }
    memory.removeRegion(window * WINDOW_BYTES);
  }
  memory.addRegion(name, bytes, { base: window * WINDOW_BYTES, readable: true, writable });
  return null;
}

/**
 * Fixed-size slots (one map element each) in lazily allocated chunks. A slot holds the element's
 * value (for per-CPU maps: one 8-byte aligned copy per CPU, one after the other).
 */
export class SlotStore {
  readonly slotsPerChunk: number;
  readonly chunkCount: number;
  private readonly chunks: (Uint8Array | null)[];
  private readonly windows: number[];

  constructor(
    readonly name: string,
    /** Bytes per slot. */
    readonly stride: number,
    readonly slots: number,
    private readonly allocator: WindowAllocator,
  ) {
    this.slotsPerChunk = Math.max(1, Math.floor(WINDOW_BYTES / stride));
    this.chunkCount = Math.ceil(slots / this.slotsPerChunk);
    this.chunks = new Array<Uint8Array | null>(this.chunkCount).fill(null);
    this.windows = new Array<number>(this.chunkCount).fill(-1);
  }

  chunkOf(slot: number): number {
    return Math.floor(slot / this.slotsPerChunk);
  }

  private chunkBytes(k: number): number {
    const first = k * this.slotsPerChunk;
    return Math.min(this.slotsPerChunk, this.slots - first) * this.stride;
  }

  /** The chunk's bytes, allocating them (and its window) on first use; null when no window is left. */
  ensure(k: number): Uint8Array | null {
    let bytes = this.chunks[k];
    if (bytes) return bytes;
    if (this.windows[k]! < 0) {
      const w = this.allocator.take();
      if (w === null) return null;
      this.windows[k] = w;
    }
    bytes = newStorage(this.chunkBytes(k));
    this.chunks[k] = bytes;
    return bytes;
  }

  /** The chunk's bytes if allocated. */
  peek(k: number): Uint8Array | null {
    return this.chunks[k] ?? null;
  }

  window(k: number): number {
    return this.windows[k]!;
  }

  regionName(k: number): string {
    return this.chunkCount === 1 ? `map:${this.name}` : `map:${this.name}#${k}`;
  }

  /** Virtual address of byte `offset` of `slot` (its chunk must have been ensured). */
  address(slot: number, offset = 0): number {
    const k = this.chunkOf(slot);
    return this.windows[k]! * WINDOW_BYTES + (slot - k * this.slotsPerChunk) * this.stride + offset;
  }

  /** A copy of `len` bytes at `offset` in `slot` (zeros when the chunk was never allocated). */
  read(slot: number, offset: number, len: number): Uint8Array {
    const k = this.chunkOf(slot);
    const bytes = this.chunks[k];
    if (!bytes) return new Uint8Array(len);
    const at = (slot - k * this.slotsPerChunk) * this.stride + offset;
    return bytes.slice(at, at + len);
  }

  /** Whether every byte of `len` at `offset` in `slot` is zero. */
  isZero(slot: number, offset: number, len: number): boolean {
    const k = this.chunkOf(slot);
    const bytes = this.chunks[k];
    if (!bytes) return true;
    const at = (slot - k * this.slotsPerChunk) * this.stride + offset;
    for (let i = at; i < at + len; i++) if (bytes[i] !== 0) return false;
    return true;
  }

  /** Writes `data` at `offset` in `slot`; false when storage could not be allocated. */
  write(slot: number, offset: number, data: Uint8Array): boolean {
    const k = this.chunkOf(slot);
    const bytes = this.ensure(k);
    if (!bytes) return false;
    bytes.set(data, (slot - k * this.slotsPerChunk) * this.stride + offset);
    return true;
  }

  /** Zeroes a whole slot; false when storage could not be allocated. */
  zero(slot: number): boolean {
    const k = this.chunkOf(slot);
    const bytes = this.chunks[k];
    if (!bytes) return this.ensure(k) !== null;
    const at = (slot - k * this.slotsPerChunk) * this.stride;
    bytes.fill(0, at, at + this.stride);
    return true;
  }

  /** Whether the chunk of `slot` is allocated. */
  allocated(slot: number): boolean {
    return this.chunks[this.chunkOf(slot)] != null;
  }

  /** Drops every chunk's bytes (they come back zeroed on next use, at the same windows). */
  clear(): void {
    this.chunks.fill(null);
  }

  /** Maps chunk k into `memory`; null on success, else why not. */
  mapChunk(memory: Memory, k: number, writable: boolean): string | null {
    const bytes = this.ensure(k);
    if (!bytes) return `no free address window is left for map "${this.name}"`;
    const there = memory.regionInWindow(this.windows[k]!);
    if (there && there.bytes === bytes && there.writable === writable) return null; // the usual case
    return mapWindow(memory, this.windows[k]!, this.regionName(k), bytes, writable);
  }
}

/** Doubly linked list over small integer ids (map slots), growable; O(1) insert and remove. */
export class IdList {
  private next: Int32Array;
  private prev: Int32Array;
  private inList: Uint8Array;
  head = -1;
  tail = -1;
  size = 0;

  constructor(private readonly limit: number) {
    const n = Math.min(limit, 64);
    this.next = new Int32Array(n);
    this.prev = new Int32Array(n);
    this.inList = new Uint8Array(n);
  }

  private grow(id: number): void {
    if (id < this.next.length) return;
    let n = this.next.length * 2;
    while (n <= id) n *= 2;
    n = Math.min(Math.max(n, id + 1), Math.max(this.limit, id + 1));
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    const inList = new Uint8Array(n);
    next.set(this.next);
    prev.set(this.prev);
    inList.set(this.inList);
    this.next = next;
    this.prev = prev;
    this.inList = inList;
  }

  has(id: number): boolean {
    return id < this.inList.length && this.inList[id] === 1;
  }

  pushBack(id: number): void {
    this.grow(id);
    this.prev[id] = this.tail;
    this.next[id] = -1;
    if (this.tail >= 0) this.next[this.tail] = id;
    else this.head = id;
    this.tail = id;
    this.inList[id] = 1;
    this.size++;
  }

  /** Puts `id` right after `after` (which is in the list). */
  insertAfter(after: number, id: number): void {
    if (after === this.tail) {
      this.pushBack(id);
      return;
    }
    this.grow(id);
    const n = this.next[after]!;
    this.prev[id] = after;
    this.next[id] = n;
    this.next[after] = id;
    this.prev[n] = id;
    this.inList[id] = 1;
    this.size++;
  }

  remove(id: number): void {
    if (!this.has(id)) return;
    const p = this.prev[id]!;
    const n = this.next[id]!;
    if (p >= 0) this.next[p] = n;
    else this.head = n;
    if (n >= 0) this.prev[n] = p;
    else this.tail = p;
    this.inList[id] = 0;
    this.size--;
  }

  after(id: number): number {
    return this.next[id]!;
  }

  clear(): void {
    this.inList.fill(0);
    this.head = this.tail = -1;
    this.size = 0;
  }
}
