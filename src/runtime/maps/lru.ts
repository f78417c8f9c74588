// The kernel's "common" LRU for lru_hash / lru_percpu_hash (kernel/bpf/bpf_lru_list.c), node for
// node: a global free list and active/inactive lists with reference bits, and per-CPU local free
// and pending lists. Nodes are the hash map's slots.
//
// What follows from it, and users see: when a CPU's local free list is empty, it takes up to
// `target_free` nodes (max_entries / possible CPUs / 2, clamped to 1..128) from the global free
// list, and evicts the missing ones from the inactive list's tail (oldest first, skipping nodes
// referenced since, which move to the active list). So a full map evicts several elements at
// once, and a map that is not full may evict too.
//
// With BPF_F_NO_COMMON_LRU each CPU has its own active/inactive/free lists holding
// max_entries / CPUs nodes (the kernel rounds max_entries up to a multiple of the CPU count), no
// local lists, and shrinks by PERCPU_FREE_TARGET (4) when its free list is empty: a program that
// always runs on one CPU can use only that CPU's share of the map.

const LOCAL_FREE_TARGET = 128;
const PERCPU_FREE_TARGET = 4;

const T_ACTIVE = 0;
const T_INACTIVE = 1;
const T_FREE = 2;
const T_LOCAL_FREE = 3;
const T_LOCAL_PENDING = 4;

export class KernelLru {
  readonly targetFree: number;
  private readonly nrScans: number;
  private next: Int32Array;
  private prev: Int32Array;
  private type: Uint8Array;
  private ref: Uint8Array;
  private cpuOf: Uint16Array;
  /** Nodes never used yet: the global free list implicitly continues with fresh, fresh+1, ... */
  private fresh = 0;
  /**
   * Sentinel ids after the nodes: for each LRU list set (one, or one per CPU with per-CPU lists)
   * the heads of its active, inactive and free lists; then each CPU's local free and pending lists.
   */
  private readonly base: number;
  private readonly localBase: number;
  /** Per list set: [active count, inactive count]. */
  private counts: number[][];
  private nextInactiveRotation: number[];
  /** Per-CPU lists: nodes never used yet per CPU (node ids cpu * share + fresh[cpu]). */
  private readonly share: number;
  private freshPerCpu: number[];

  /**
   * `evict(node)` removes the node's element from the hash table (the kernel's del_from_htab).
   * With `perCpuLists`, maxEntries must be a multiple of cpus (see lruCapacity).
   */
  constructor(
    private readonly maxEntries: number,
    private readonly cpus: number,
    private readonly evict: (node: number) => boolean,
    private readonly perCpuLists = false,
  ) {
    const sets = perCpuLists ? cpus : 1;
    this.targetFree = perCpuLists ? PERCPU_FREE_TARGET : Math.min(Math.max(Math.floor(Math.floor(maxEntries / cpus) / 2), 1), LOCAL_FREE_TARGET);
    this.nrScans = perCpuLists ? PERCPU_FREE_TARGET : LOCAL_FREE_TARGET;
    this.share = perCpuLists ? maxEntries / cpus : maxEntries;
    this.freshPerCpu = new Array<number>(sets).fill(0);
    this.counts = Array.from({ length: sets }, () => [0, 0]);
    this.base = maxEntries;
    this.localBase = maxEntries + 3 * sets;
    const n = this.localBase + (perCpuLists ? 0 : 2 * cpus);
    // Sentinels live after the nodes; the arrays are sized for everything at once, but node ids
    // beyond `fresh` are never touched, so only the sentinels' part is written now.
    this.next = new Int32Array(n);
    this.prev = new Int32Array(n);
    this.type = new Uint8Array(n);
    this.ref = new Uint8Array(n);
    this.cpuOf = new Uint16Array(n);
    this.nextInactiveRotation = [];
    this.reset();
  }

  reset(): void {
    const n = this.next.length;
    for (let h = this.base; h < n; h++) this.next[h] = this.prev[h] = h;
    this.fresh = 0;
    this.freshPerCpu.fill(0);
    for (const c of this.counts) c[0] = c[1] = 0;
    this.nextInactiveRotation = this.counts.map((_, set) => this.head(T_INACTIVE, set));
  }

  /** Head of global list `t` of list set `set` (0 for the common LRU; the CPU for per-CPU lists). */
  private head(t: number, set = 0): number {
    return this.base + 3 * set + t;
  }
  private localFree(cpu: number): number {
    return this.localBase + 2 * cpu;
  }
  private localPending(cpu: number): number {
    return this.localBase + 1 + 2 * cpu;
  }

  /** Takes `n` out of its list (leaving it linked to itself, so a second unlink does nothing). */
  private unlink(n: number): void {
    const p = this.prev[n]!;
    const x = this.next[n]!;
    this.next[p] = x;
    this.prev[x] = p;
    this.next[n] = this.prev[n] = n;
  }

  /** list_move: to the head of the list at sentinel `h`. */
  private addHead(n: number, h: number): void {
    const first = this.next[h]!;
    this.next[n] = first;
    this.prev[n] = h;
    this.prev[first] = n;
    this.next[h] = n;
  }

  private empty(h: number): boolean {
    return this.next[h] === h;
  }

  /** The list set a node belongs to. */
  private setOf(n: number): number {
    return this.perCpuLists ? this.cpuOf[n]! : 0;
  }

  /** __bpf_lru_node_move: between the lists of the node's set; clears the reference bit. */
  private move(n: number, t: number): void {
    const set = this.setOf(n);
    const counts = this.counts[set]!;
    const from = this.type[n]!;
    if (from !== t) {
      if (from <= T_INACTIVE) counts[from]!--;
      if (t <= T_INACTIVE) counts[t]!++;
      this.type[n] = t;
    }
    this.ref[n] = 0;
    if (n === this.nextInactiveRotation[set]) this.nextInactiveRotation[set] = this.prev[n]!;
    this.unlink(n);
    this.addHead(n, this.head(t, set));
  }

  /** From a local list into a global one (__bpf_lru_node_move_in). */
  private moveIn(n: number, t: number): void {
    this.counts[0]![t]!++;
    this.type[n] = t;
    this.ref[n] = 0;
    this.unlink(n);
    this.addHead(n, this.head(t));
  }

  /** Out of the active/inactive lists to a free list (__bpf_lru_node_move_to_free). */
  private moveToFree(n: number, cpu: number): void {
    const set = this.setOf(n);
    const from = this.type[n]!;
    if (from <= T_INACTIVE) this.counts[set]![from]!--;
    if (n === this.nextInactiveRotation[set]) this.nextInactiveRotation[set] = this.prev[n]!;
    this.unlink(n);
    if (this.perCpuLists) {
      this.addHead(n, this.head(T_FREE, set));
      this.type[n] = T_FREE;
    } else {
      this.addHead(n, this.localFree(cpu));
      this.type[n] = T_LOCAL_FREE;
    }
  }

  /** Takes the first node of a free list (freed nodes first, then never-used ones). */
  private popGlobalFree(set = 0): number {
    const h = this.head(T_FREE, set);
    if (!this.empty(h)) {
      const n = this.next[h]!;
      this.unlink(n);
      return n;
    }
    if (this.perCpuLists) {
      if (this.freshPerCpu[set]! < this.share) {
        const n = set * this.share + this.freshPerCpu[set]!++;
        this.cpuOf[n] = set;
        this.next[n] = this.prev[n] = n;
        return n;
      }
      return -1;
    }
    if (this.fresh < this.maxEntries) {
      const n = this.fresh++;
      this.next[n] = this.prev[n] = n;
      return n;
    }
    return -1;
  }

  private flushPending(cpu: number): void {
    const h = this.localPending(cpu);
    for (let n = this.prev[h]!; n !== h;) {
      const p = this.prev[n]!;
      this.moveIn(n, this.ref[n] ? T_ACTIVE : T_INACTIVE);
      n = p;
    }
  }

  private rotate(set: number): void {
    const counts = this.counts[set]!;
    if (counts[T_INACTIVE]! < counts[T_ACTIVE]!) this.rotateActive(set);
    this.rotateInactive(set);
  }

  private rotateActive(set: number): void {
    const h = this.head(T_ACTIVE, set);
    const first = this.next[h]!;
    let i = 0;
    for (let n = this.prev[h]!; n !== h;) {
      const p = this.prev[n]!;
      this.move(n, this.ref[n] ? T_ACTIVE : T_INACTIVE);
      if (++i === this.nrScans || n === first) break;
      n = p;
    }
  }

  private rotateInactive(set: number): void {
    const h = this.head(T_INACTIVE, set);
    if (this.empty(h)) return;
    let last = this.next[this.nextInactiveRotation[set]!]!;
    if (last === h) last = this.next[last]!;
    let cur = this.nextInactiveRotation[set]!;
    let next = cur;
    let i = 0;
    while (i < this.nrScans) {
      if (cur === h) {
        cur = this.prev[cur]!;
        continue;
      }
      next = this.prev[cur]!;
      if (this.ref[cur]) this.move(cur, T_ACTIVE);
      if (cur === last) break;
      cur = next;
      i++;
    }
    this.nextInactiveRotation[set] = next;
  }

  private shrink(want: number, cpu: number, set = 0): void {
    const h = this.head(T_INACTIVE, set);
    let shrunk = 0;
    let i = 0;
    for (let n = this.prev[h]!; n !== h;) {
      const p = this.prev[n]!;
      if (this.ref[n]) {
        this.move(n, T_ACTIVE);
      } else if (this.evict(n)) {
        this.moveToFree(n, cpu);
        if (++shrunk === want) break;
      }
      if (++i === this.nrScans) break;
      n = p;
    }
    if (shrunk > 0) return;
    // Force: ignore the reference bits.
    const list = this.empty(h) ? this.head(T_ACTIVE, set) : h;
    for (let n = this.prev[list]!; n !== list; n = this.prev[n]!) {
      if (this.evict(n)) {
        this.moveToFree(n, cpu);
        return;
      }
    }
  }

  private popFreeToLocal(cpu: number): void {
    this.flushPending(cpu);
    this.rotate(0);
    let nfree = 0;
    while (nfree < this.targetFree) {
      const n = this.popGlobalFree();
      if (n < 0) break;
      this.addHead(n, this.localFree(cpu));
      this.type[n] = T_LOCAL_FREE;
      nfree++;
    }
    if (nfree < this.targetFree) this.shrink(this.targetFree - nfree, cpu);
  }

  private popLocalFree(cpu: number): number {
    const h = this.localFree(cpu);
    if (this.empty(h)) return -1;
    const n = this.next[h]!;
    this.unlink(n);
    return n;
  }

  private popPending(cpu: number): number {
    const h = this.localPending(cpu);
    for (const force of [false, true]) {
      for (let n = this.prev[h]!; n !== h; n = this.prev[n]!) {
        if ((!this.ref[n] || force) && this.evict(n)) {
          this.unlink(n);
          return n;
        }
      }
    }
    return -1;
  }

  /** bpf_percpu_lru_pop_free: a node from `cpu`'s own lists, now at the head of its inactive list. */
  private popPerCpu(cpu: number): number {
    this.rotate(cpu);
    let n = this.popGlobalFree(cpu);
    if (n < 0) {
      this.shrink(PERCPU_FREE_TARGET, cpu, cpu);
      n = this.popGlobalFree(cpu);
    }
    if (n < 0) return -1;
    this.cpuOf[n] = cpu;
    this.type[n] = T_FREE;
    this.move(n, T_INACTIVE);
    return n;
  }

  /** A free node for an element created on `cpu`, or -1 (bpf_lru_pop_free). */
  pop(cpu: number): number {
    if (this.perCpuLists) return this.popPerCpu(cpu);
    let n = this.popLocalFree(cpu);
    if (n < 0) {
      this.popFreeToLocal(cpu);
      n = this.popLocalFree(cpu);
    }
    if (n < 0) {
      // Steal from the local lists of every CPU, round robin from this one.
      for (let k = 0; k < this.cpus && n < 0; k++) {
        const c = (cpu + k) % this.cpus;
        n = this.popLocalFree(c);
        if (n < 0) n = this.popPending(c);
      }
    }
    if (n < 0) return -1;
    this.cpuOf[n] = cpu;
    this.type[n] = T_LOCAL_PENDING;
    this.ref[n] = 0;
    this.addHead(n, this.localPending(cpu));
    return n;
  }

  /** bpf_lru_push_free: a node whose element was deleted (or a node that was not used). */
  pushFree(n: number): void {
    if (!this.perCpuLists && this.type[n] === T_LOCAL_PENDING) {
      this.type[n] = T_LOCAL_FREE;
      this.ref[n] = 0;
      this.unlink(n);
      this.addHead(n, this.localFree(this.cpuOf[n]!));
      return;
    }
    this.move(n, T_FREE);
  }

  /** bpf_lru_node_set_ref: the element was used by a program. */
  setRef(n: number): void {
    this.ref[n] = 1;
  }

  /** Live nodes, first to be evicted first (inactive oldest first, then active, then pending). */
  order(): number[] {
    const out: number[] = [];
    const walk = (h: number): void => {
      for (let n = this.prev[h]!; n !== h; n = this.prev[n]!) out.push(n);
    };
    for (let set = 0; set < this.counts.length; set++) {
      walk(this.head(T_INACTIVE, set));
      walk(this.head(T_ACTIVE, set));
    }
    if (!this.perCpuLists) for (let c = 0; c < this.cpus; c++) walk(this.localPending(c));
    return out;
  }
}

/**
 * The number of elements an LRU map holds: max_entries, except that with per-CPU lists
 * (BPF_F_NO_COMMON_LRU) the kernel rounds it up to a multiple of the CPU count (down if that
 * overflows 32 bits).
 */
export function lruCapacity(maxEntries: number, cpus: number, perCpuLists: boolean): number {
  if (!perCpuLists) return maxEntries;
  const up = Math.ceil(maxEntries / cpus) * cpus;
  return up > 0xffffffff ? Math.floor(maxEntries / cpus) * cpus : up;
}
