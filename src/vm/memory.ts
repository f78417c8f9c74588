// The sandbox's memory: a set of regions at distinct virtual addresses.
//
// Every region sits at the start of its own 16 MiB window of a 32-bit virtual address space, so
// the interpreter finds it with one table lookup (`address >>> 24`) and bounds-checks the offset
// (`address & 0xffffff`) against the window's view. Read and write permission are folded into
// the same check: a window the program may not write to has an empty DataView in the write table,
// so the bounds check fails and the slow path (`describeAccess`) works out which rule was broken.
//
// Windows 0x00 (the null page) and 0xff are never mapped. Because a valid address always has a
// zero high half, a base register with a zero high half plus an s16 offset that wraps around
// 2^32 in either direction lands in one of these two windows; so the fast path only needs to test
// the base register's high half and the window's bounds.

export const WINDOW_BITS = 24;
export const WINDOW_SIZE = 1 << WINDOW_BITS;
export const WINDOW_MASK = WINDOW_SIZE - 1;
export const WINDOW_COUNT = 256;

/** Each local-call frame gets its own stack region; frame i lives in window STACK_WINDOW + i. */
export const STACK_SIZE = 512;
export const MAX_FRAMES = 8;
export const STACK_WINDOW = 0x10;
export const STACK_BASE = STACK_WINDOW << WINDOW_BITS;
/** Where the conformance input memory (`mem`) is mapped. */
export const MEM_WINDOW = 0x20;
export const MEM_BASE = MEM_WINDOW << WINDOW_BITS;
/** First window handed out by `addRegion` when no base is requested. */
const FIRST_FREE_WINDOW = 0x30;

const EMPTY_VIEW = new DataView(new ArrayBuffer(0));

export interface RegionOptions {
  /** May the program store to it? Default false. */
  writable?: boolean;
  /** May the program load from it? Default true. */
  readable?: boolean;
  /** Requested base address (a multiple of 16 MiB, in a free window); default: next free window. */
  base?: number;
}

export interface Region {
  readonly name: string;
  /** Virtual address of byte 0 (below 2^32). */
  readonly base: number;
  readonly size: number;
  /** The region's bytes; the program's stores are visible here. */
  readonly bytes: Uint8Array;
  readonly readable: boolean;
  readonly writable: boolean;
}

export type AccessKind = 'load' | 'store' | 'atomic';

/** Why an access was refused (the interpreter turns this into a Fault). */
export interface AccessProblem {
  readonly code: string;
  readonly kind: 'null_pointer' | 'unmapped' | 'out_of_bounds' | 'read_only' | 'write_only';
  readonly message: string;
  readonly region: string | null;
}

export function hexAddress(a: bigint | number): string {
  return '0x' + BigInt.asUintN(64, BigInt(a)).toString(16);
}

function plural(n: number): string {
  return n === 1 ? `${n} byte` : `${n} bytes`;
}

export class Memory {
  /** DataView per window for loads; EMPTY_VIEW where loads are not allowed. Mutated in place only. */
  readonly loadViews: DataView[] = Array.from({ length: WINDOW_COUNT }, () => EMPTY_VIEW); // packed: no hole checks
  /** DataView per window for stores; EMPTY_VIEW where stores are not allowed. Mutated in place only. */
  readonly storeViews: DataView[] = Array.from({ length: WINDOW_COUNT }, () => EMPTY_VIEW); // packed: no hole checks
  private readonly byWindow: (Region | undefined)[] = new Array<Region | undefined>(WINDOW_COUNT).fill(undefined);
  private written = false;
  /** Windows mapped by addRegion, for removeAddedRegions. */
  private readonly added: number[] = [];

  /**
   * Maps `bytes` (shared, not copied) as a new region and returns its base address. Throws a
   * RangeError for a region over 16 MiB, a taken or invalid base, or when no window is free
   * (these are programming errors of the embedding code, not of the eBPF program).
   */
  addRegion(name: string, bytes: Uint8Array, opts: RegionOptions = {}): number {
    if (bytes.byteLength > WINDOW_SIZE) {
      throw new RangeError(`region "${name}" is ${bytes.byteLength} bytes; the limit is ${WINDOW_SIZE}`);
    }
    let window: number;
    if (opts.base !== undefined) {
      window = opts.base / WINDOW_SIZE;
      if (!Number.isInteger(window) || window <= 0 || window >= WINDOW_COUNT - 1) {
        throw new RangeError(`region "${name}": base ${hexAddress(opts.base)} is not a usable 16 MiB window start`);
      }
      if (this.byWindow[window]) {
        throw new RangeError(`region "${name}": base ${hexAddress(opts.base)} is taken by "${this.byWindow[window]!.name}"`);
      }
    } else {
      window = FIRST_FREE_WINDOW;
      while (window < WINDOW_COUNT - 1 && this.byWindow[window]) window++;
      if (window >= WINDOW_COUNT - 1) throw new RangeError(`no free address window for region "${name}"`);
    }
    this.map(window, name, bytes, opts.readable ?? true, opts.writable ?? false);
    this.added.push(window);
    return window * WINDOW_SIZE;
  }

  /** Unmaps every region that came from `addRegion` (the Vm's reset keeps stacks, maps `mem` anew). */
  removeAddedRegions(): void {
    const added = this.added;
    while (added.length > 0) this.unmapWindow(added.pop()!);
  }

  /** Maps a region at a fixed window (used for the stack frames and `mem`), replacing any there. */
  map(window: number, name: string, bytes: Uint8Array, readable: boolean, writable: boolean): Region {
    if (bytes.byteLength > WINDOW_SIZE) throw new RangeError(`region "${name}" is larger than ${WINDOW_SIZE} bytes`);
    // A plain Uint8Array over the caller's memory (a Node Buffer is a different class) shares the
    // bytes; the DataViews in the window tables are always plain DataViews (monomorphic loads).
    const plain = bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const view = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
    const region: Region = { name, base: window * WINDOW_SIZE, size: plain.length, bytes: plain, readable, writable };
    this.byWindow[window] = region;
    this.loadViews[window] = readable ? view : EMPTY_VIEW;
    this.storeViews[window] = writable ? view : EMPTY_VIEW;
    return region;
  }

  /** Unmaps the region starting at `base`. Returns whether one was there. */
  removeRegion(base: number): boolean {
    const window = base / WINDOW_SIZE;
    if (!Number.isInteger(window) || window < 0 || window >= WINDOW_COUNT || !this.byWindow[window]) return false;
    this.unmapWindow(window);
    return true;
  }

  private unmapWindow(window: number): void {
    this.byWindow[window] = undefined;
    this.loadViews[window] = EMPTY_VIEW;
    this.storeViews[window] = EMPTY_VIEW;
  }

  /** All mapped regions in address order. */
  regions(): Region[] {
    return this.byWindow.filter((r): r is Region => r !== undefined);
  }

  regionByName(name: string): Region | undefined {
    return this.byWindow.find((r) => r?.name === name);
  }

  /** The region mapped at a window (address >>> 24), if any. */
  regionInWindow(window: number): Region | undefined {
    return this.byWindow[window];
  }

  /** The region containing `address`, if any. */
  regionAt(address: bigint | number): Region | undefined {
    const a = BigInt.asUintN(64, BigInt(address));
    if (a >> 32n !== 0n) return undefined;
    const r = this.byWindow[Number(a >> BigInt(WINDOW_BITS))];
    return r && a - BigInt(r.base) < BigInt(r.size) ? r : undefined;
  }

  /**
   * Checks an access of `size` bytes at the 64-bit `address`; returns null if it is allowed,
   * otherwise the problem in plain words.
   */
  describeAccess(address: bigint, size: number, access: AccessKind): AccessProblem | null {
    const a = BigInt.asUintN(64, address);
    const what = `${access} of ${plural(size)} at ${hexAddress(a)}`;
    const window = a >> 32n === 0n ? Number(a >> BigInt(WINDOW_BITS)) : -1;
    const region = window >= 0 ? this.byWindow[window] : undefined;
    if (!region) {
      if (window === 0) {
        return { code: 'E_NULL_POINTER', kind: 'null_pointer', region: null,
          message: `${what} dereferences a null pointer (nothing is mapped below ${hexAddress(WINDOW_SIZE)})` };
      }
      return { code: 'E_UNMAPPED', kind: 'unmapped', region: null, message: `${what}: no memory is mapped there` };
    }
    const offset = a - BigInt(region.base);
    if (offset + BigInt(size) > BigInt(region.size)) {
      return { code: 'E_OUT_OF_BOUNDS', kind: 'out_of_bounds', region: region.name,
        message: `${what} is outside region "${region.name}" ` +
          `[${hexAddress(region.base)}, ${hexAddress(region.base + region.size)})` };
    }
    if (access !== 'store' && !region.readable) {
      return { code: 'E_NOT_READABLE', kind: 'write_only', region: region.name,
        message: `${what}: region "${region.name}" may not be read` };
    }
    if (access !== 'load' && !region.writable) {
      return { code: 'E_READ_ONLY', kind: 'read_only', region: region.name,
        message: `${what}: region "${region.name}" is read-only` };
    }
    return null;
  }

  /** Reads `size` bytes (a copy) after checking the access; for helpers and debuggers. */
  read(address: bigint | number, size: number): Uint8Array | AccessProblem {
    const a = BigInt.asUintN(64, BigInt(address));
    const problem = this.describeAccess(a, size, 'load');
    if (problem) return problem;
    const r = this.regionAt(a)!;
    const off = Number(a) - r.base;
    return r.bytes.slice(off, off + size);
  }

  /** Writes `data` after checking the access; returns null on success. */
  write(address: bigint | number, data: Uint8Array): AccessProblem | null {
    const a = BigInt.asUintN(64, BigInt(address));
    const problem = this.describeAccess(a, data.length, 'store');
    if (problem) return problem;
    const r = this.regionAt(a)!;
    r.bytes.set(data, Number(a) - r.base);
    this.written = true;
    return null;
  }

  /** Whether `write` was used since the last call (the Vm then re-zeroes its stacks). */
  takeWriteFlag(): boolean {
    const w = this.written;
    this.written = false;
    return w;
  }
}
