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
// Not modelled: BPF_F_NO_COMMON_LRU (per-CPU LRU lists; such maps use this common LRU too).

const LOCAL_FREE_TARGET = 128;
const NR_SCANS = LOCAL_FREE_TARGET;

const T_ACTIVE = 0;
const T_INACTIVE = 1;
const T_FREE = 2;
const T_LOCAL_FREE = 3;
const T_LOCAL_PENDING = 4;

export class KernelLru {
  readonly targetFree: number;
  private next: Int32Array;
  private prev: Int32Array;
  private type: Uint8Array;
  private ref: Uint8Array;
  private cpuOf: Uint16Array;
  /** Nodes never used yet: the global free list implicitly continues with fresh, fresh+1, ... */
  private fresh = 0;
  /** Sentinel ids: heads of the global lists, then each CPU's local free and pending lists. */
  private readonly base: number;
  private counts = [0, 0];
  private nextInactiveRotation: number;

  /** `evict(node)` removes the node's element from the hash table (the kernel's del_from_htab). */
  constructor(
    private readonly maxEntries: number,
    private readonly cpus: number,
    private readonly evict: (node: number) => boolean,
  ) {
    this.targetFree = Math.min(Math.max(Math.floor(Math.floor(maxEntries / cpus) / 2), 1), LOCAL_FREE_TARGET);
    this.base = maxEntries;
    const n = maxEntries + 3 + 2 * cpus;
    // Sentinels live after the nodes; the arrays are sized for everything at once, but node ids
    // beyond `fresh` are never touched, so only the sentinels' part is written now.
    this.next = new Int32Array(n);
    this.prev = new Int32Array(n);
    this.type = new Uint8Array(n);
    this.ref = new Uint8Array(n);
    this.cpuOf = new Uint16Array(n);
    for (let h = this.base; h < n; h++) this.next[h] = this.prev[h] = h;
    this.nextInactiveRotation = this.head(T_INACTIVE);
  }

  reset(): void {
    const n = this.next.length;
    for (let h = this.base; h < n; h++) this.next[h] = this.prev[h] = h;
    this.fresh = 0;
    this.counts = [0, 0];
    this.nextInactiveRotation = this.head(T_INACTIVE);
  }

  private head(t: number): number {
    return this.base + t;
  }
  private localFree(cpu: number): number {
    return this.base + 3 + 2 * cpu;
  }
  private localPending(cpu: number): number {
    return this.base + 4 + 2 * cpu;
  }

  private unlink(n: number): void {
    const p = this.prev[n]!;
    const x = this.next[n]!;
    this.next[p] = x;
    this.prev[x] = p;
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

  /** __bpf_lru_node_move: between global lists; clears the reference bit. */
  private move(n: number, t: number): void {
    const from = this.type[n]!;
    if (from !== t) {
      if (from <= T_INACTIVE) this.counts[from]!--;
      if (t <= T_INACTIVE) this.counts[t]!++;
      this.type[n] = t;
    }
    this.ref[n] = 0;
    if (n === this.nextInactiveRotation) this.nextInactiveRotation = this.prev[n]!;
    this.unlink(n);
    this.addHead(n, this.head(t));
  }

  /** From a local list into a global one (__bpf_lru_node_move_in). */
  private moveIn(n: number, t: number): void {
    this.counts[t]!++;
    this.type[n] = t;
    this.ref[n] = 0;
    this.unlink(n);
    this.addHead(n, this.head(t));
  }

  /** From a global list to a local free list (__bpf_lru_node_move_to_free). */
  private moveToFree(n: number, cpu: number): void {
    const from = this.type[n]!;
    if (from <= T_INACTIVE) this.counts[from]!--;
    if (n === this.nextInactiveRotation) this.nextInactiveRotation = this.prev[n]!;
    this.unlink(n);
    this.addHead(n, this.localFree(cpu));
    this.type[n] = T_LOCAL_FREE;
  }

  /** Takes the first node of the global free list (freed nodes first, then never-used ones). */
  private popGlobalFree(): number {
    const h = this.head(T_FREE);
    if (!this.empty(h)) {
      const n = this.next[h]!;
      this.unlink(n);
      return n;
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

  private rotateActive(): void {
    const h = this.head(T_ACTIVE);
    const first = this.next[h]!;
    let i = 0;
    for (let n = this.prev[h]!; n !== h;) {
      const p = this.prev[n]!;
      this.move(n, this.ref[n] ? T_ACTIVE : T_INACTIVE);
      if (++i === NR_SCANS || n === first) break;
      n = p;
    }
  }

  private rotateInactive(): void {
    const h = this.head(T_INACTIVE);
    if (this.empty(h)) return;
    let last = this.next[this.nextInactiveRotation]!;
    if (last === h) last = this.next[last]!;
    let cur = this.nextInactiveRotation;
    let next = cur;
    let i = 0;
    while (i < NR_SCANS) {
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
    this.nextInactiveRotation = next;
  }

  private shrink(want: number, cpu: number): void {
    const h = this.head(T_INACTIVE);
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
      if (++i === NR_SCANS) break;
      n = p;
    }
    if (shrunk > 0) return;
    // Force: ignore the reference bits.
    const list = this.empty(h) ? this.head(T_ACTIVE) : h;
    for (let n = this.prev[list]!; n !== list; n = this.prev[n]!) {
      if (this.evict(n)) {
        this.moveToFree(n, cpu);
        return;
      }
    }
  }

  private popFreeToLocal(cpu: number): void {
    this.flushPending(cpu);
    if (this.counts[T_INACTIVE]! < this.counts[T_ACTIVE]!) this.rotateActive();
    this.rotateInactive();
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

  /** bpf_common_lru_pop_free on `cpu`: a free node (now pending on that CPU), or -1. */
  pop(cpu: number): number {
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
    if (this.type[n] === T_LOCAL_PENDING) {
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
    walk(this.head(T_INACTIVE));
    walk(this.head(T_ACTIVE));
    for (let c = 0; c < this.cpus; c++) walk(this.localPending(c));
    return out;
  }
}
