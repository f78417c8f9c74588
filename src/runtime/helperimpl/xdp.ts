// The XDP buffer of a test run and the helpers that move its edges: bpf_xdp_adjust_head (44),
// bpf_xdp_adjust_meta (54), bpf_xdp_adjust_tail (65), bpf_xdp_get_buff_len (188),
// bpf_xdp_load_bytes / store_bytes (189 / 190), bpf_redirect (23).
//
// Geometry of BPF_PROG_TEST_RUN (net/bpf/test_run.c, Linux 6.18, no ctx_in): one 4096-byte frame;
// data_hard_start at 0, data = data_meta at XDP_PACKET_HEADROOM (256), data_end = data + length;
// the last SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) = 320 bytes are reserved tailroom, so
// the packet may grow to 4096 - 320 (3520 bytes of packet at the default headroom). As the test
// run, a longer packet keeps its first 3520 bytes in the frame (data_end stops there) and the rest
// in page-sized fragments: xdp_get_buff_len, xdp_load_bytes / store_bytes and adjust_tail see
// them, direct packet access does not, and the output packet includes them.
// The rules of the helpers (net/core/filter.c):
//   adjust_head(off):  data + off must stay in [data_hard_start + sizeof(struct xdp_frame) (40) +
//                      metalen, data_end - ETH_HLEN]; the metadata moves along; else -EINVAL.
//   adjust_meta(off):  data_meta + off in [data_hard_start + 40, data]; else -EINVAL; the new
//                      metadata length must be a multiple of 4 and at most 255, else -EACCES.
//   adjust_tail(off):  data_end + off in [data + ETH_HLEN, frame end - tailroom]; else -EINVAL;
//                      grown bytes are zeroed. With fragments: growing extends the last fragment
//                      within its page (else -EINVAL); shrinking takes bytes from the last
//                      fragments first, dropping emptied ones, then from the frame once none is
//                      left; the whole buffer keeps at least ETH_HLEN bytes (else -EINVAL).
// The test run's output packet is data_meta .. data_end (the metadata included).

import type { HelperContext, HelperFn } from '../../vm/helpers.js';
import type { Memory } from '../../vm/memory.js';
import { WINDOW_SIZE } from '../../vm/memory.js';
import { EFAULT, EINVAL } from './errno.js';

export const XDP_PACKET_HEADROOM = 256;
/** The test run's frame size (a page). */
export const XDP_FRAME_SIZE = 4096;
/** SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) on x86-64. */
export const XDP_TAILROOM = 320;
/** sizeof(struct xdp_frame): the head of the headroom adjust_head and adjust_meta may not enter. */
export const XDP_FRAME_STRUCT_SIZE = 40;
export const ETH_HLEN = 14;
/** Largest metadata length (the u8 skb_shared_info.meta_len). */
export const XDP_META_MAX = 255;
export const EACCES = 13;
export const XDP_ABORTED = 0;
export const XDP_REDIRECT = 4;

/** A fragment: a page holding `size` bytes from its start (the test run's frags have offset 0). */
interface Frag {
  readonly page: Uint8Array;
  size: number;
}

export class XdpBuffer {
  /** The whole frame; offsets below index it. */
  readonly frame: Uint8Array;
  /** The packet bytes past the linear part. */
  frags: Frag[] = [];
  data = XDP_PACKET_HEADROOM;
  dataMeta = XDP_PACKET_HEADROOM;
  dataEnd: number;
  /** Where the frame is mapped (0 before `map`). */
  base = 0;
  private memory: Memory | null = null;
  /** Called when data, data_meta or data_end move (to rewrite the context). */
  onChange: (() => void) | null = null;

  constructor(readonly packet: Uint8Array) {
    this.frame = new Uint8Array(XDP_FRAME_SIZE);
    this.dataEnd = this.data;
    this.reset();
  }

  /** Back to the input packet. */
  reset(): void {
    this.frame.fill(0);
    const linear = Math.min(this.packet.length, XDP_FRAME_SIZE - XDP_PACKET_HEADROOM - XDP_TAILROOM);
    this.frame.set(this.packet.subarray(0, linear), XDP_PACKET_HEADROOM);
    this.data = this.dataMeta = XDP_PACKET_HEADROOM;
    this.dataEnd = this.data + linear;
    this.frags = [];
    for (let at = linear; at < this.packet.length; at += XDP_FRAME_SIZE) {
      const chunk = this.packet.subarray(at, Math.min(at + XDP_FRAME_SIZE, this.packet.length));
      const page = new Uint8Array(XDP_FRAME_SIZE);
      page.set(chunk);
      this.frags.push({ page, size: chunk.length });
    }
  }

  get fragsSize(): number {
    let n = 0;
    for (const f of this.frags) n += f.size;
    return n;
  }

  /** Maps the frame into the sandbox; the region ends at data_end, so reads past the packet fault. */
  map(memory: Memory, base: number): void {
    this.memory = memory;
    this.base = base;
    this.remap();
  }

  private remap(): void {
    if (!this.memory || this.base === 0) return;
    this.memory.map(this.base / WINDOW_SIZE, 'packet', this.frame.subarray(0, this.dataEnd), true, true);
  }

  get hardEnd(): number {
    return this.frame.length - XDP_TAILROOM;
  }

  /** xdp_get_buff_len: the linear part and the fragments. */
  get length(): number {
    return this.dataEnd - this.data + this.fragsSize;
  }

  /** What the test run returns as data_out: data_meta .. data_end, then the fragments. */
  output(): Uint8Array {
    const out = new Uint8Array(this.dataEnd - this.dataMeta + this.fragsSize);
    out.set(this.frame.subarray(this.dataMeta, this.dataEnd));
    let at = this.dataEnd - this.dataMeta;
    for (const f of this.frags) {
      out.set(f.page.subarray(0, f.size), at);
      at += f.size;
    }
    return out;
  }

  /** Copies between the buffer (offset from data, across fragments) and `bytes`. */
  copy(offset: number, bytes: Uint8Array, store: boolean): void {
    let pos = offset;
    let done = 0;
    const pieces: [Uint8Array, number][] = [[this.frame.subarray(this.data, this.dataEnd), this.dataEnd - this.data]];
    for (const f of this.frags) pieces.push([f.page, f.size]);
    for (const [buf, size] of pieces) {
      if (done === bytes.length) break;
      if (pos >= size) {
        pos -= size;
        continue;
      }
      const n = Math.min(size - pos, bytes.length - done);
      if (store) buf.set(bytes.subarray(done, done + n), pos);
      else bytes.set(buf.subarray(pos, pos + n), done);
      done += n;
      pos = 0;
    }
  }

  adjustHead(offset: number): number {
    const metalen = this.data - this.dataMeta;
    const data = this.data + offset;
    if (data < XDP_FRAME_STRUCT_SIZE + metalen || data > this.dataEnd - ETH_HLEN) return -EINVAL;
    if (metalen > 0) this.frame.copyWithin(this.dataMeta + offset, this.dataMeta, this.data);
    this.dataMeta += offset;
    this.data = data;
    this.onChange?.();
    return 0;
  }

  adjustMeta(offset: number): number {
    const meta = this.dataMeta + offset;
    const metalen = this.data - meta;
    if (meta < XDP_FRAME_STRUCT_SIZE || meta > this.data) return -EINVAL;
    if (metalen % 4 !== 0 || metalen > XDP_META_MAX) return -EACCES;
    this.dataMeta = meta;
    this.onChange?.();
    return 0;
  }

  adjustTail(offset: number): number {
    if (this.frags.length > 0) return this.adjustFragsTail(offset);
    const end = this.dataEnd + offset;
    if (end > this.hardEnd || end < this.data + ETH_HLEN) return -EINVAL;
    if (offset > 0) this.frame.fill(0, this.dataEnd, end);
    this.dataEnd = end;
    this.remap();
    this.onChange?.();
    return 0;
  }

  private adjustFragsTail(offset: number): number {
    if (offset >= 0) {
      const last = this.frags[this.frags.length - 1]!;
      if (offset > XDP_FRAME_SIZE - last.size) return -EINVAL;
      last.page.fill(0, last.size, last.size + offset);
      last.size += offset;
      return 0;
    }
    let shrink = -offset;
    if (shrink > this.length - ETH_HLEN) return -EINVAL;
    while (shrink > 0 && this.frags.length > 0) {
      const last = this.frags[this.frags.length - 1]!;
      const n = Math.min(shrink, last.size);
      last.size -= n;
      shrink -= n;
      if (last.size === 0) this.frags.pop();
    }
    if (this.frags.length === 0 && shrink > 0) {
      this.dataEnd -= shrink;
      this.remap();
      this.onChange?.();
    }
    return 0;
  }
}

const s32 = (ctx: HelperContext, reg: number): number => ctx.argLo(reg) | 0;

/** The XDP helpers over one buffer. */
export function xdpHelpers(buf: () => XdpBuffer, redirect: (ifindex: number) => void): Map<number, HelperFn> {
  const copy = (ctx: HelperContext, store: boolean, name: string): void => {
    const b = buf();
    const offset = ctx.argLo(2);
    const len = ctx.argLo(4);
    // bpf_xdp_pointer: -EFAULT for offset or len above 0xffff, -EINVAL beyond the buffer.
    if (offset > 0xffff || len > 0xffff) return ctx.setReturn(-EFAULT);
    if (offset + len > b.length) return ctx.setReturn(-EINVAL);
    if (store) {
      const data = ctx.memory.read(ctx.arg(3), len);
      if (!(data instanceof Uint8Array)) return ctx.fault(data.code, `bpf_${name}: ${data.message}`);
      b.copy(offset, data, true);
    } else {
      const bytes = new Uint8Array(len);
      b.copy(offset, bytes, false);
      const problem = ctx.memory.write(ctx.arg(3), bytes);
      if (problem) return ctx.fault(problem.code, `bpf_${name}: ${problem.message}`);
    }
    ctx.setReturn(0);
  };
  return new Map<number, HelperFn>([
    [44, (ctx) => ctx.setReturn(buf().adjustHead(s32(ctx, 2)))],
    [54, (ctx) => ctx.setReturn(buf().adjustMeta(s32(ctx, 2)))],
    [65, (ctx) => ctx.setReturn(buf().adjustTail(s32(ctx, 2)))],
    [188, (ctx) => ctx.setReturn(buf().length)],
    [189, (ctx) => copy(ctx, false, 'xdp_load_bytes')],
    [190, (ctx) => copy(ctx, true, 'xdp_store_bytes')],
    // bpf_xdp_redirect: flags must be 0 (else XDP_ABORTED); records the target ifindex.
    [23, (ctx) => {
      if (ctx.argLo(2) !== 0 || ctx.argHi(2) !== 0) return ctx.setReturn(XDP_ABORTED);
      redirect(ctx.argLo(1));
      ctx.setReturn(XDP_REDIRECT);
    }],
  ]);
}

export const HELPER_REDIRECT_MAP = 51;
const XDP_ACTION_MASK = 3; // XDP_ABORTED | XDP_DROP | XDP_PASS | XDP_TX
const BPF_F_BROADCAST = 1 << 3;
const BPF_F_EXCLUDE_INGRESS = 1 << 4;

/**
 * bpf_redirect_map(map, key, flags) for XDP, as __bpf_xdp_redirect_map: flags outside the action
 * mask (and, for device maps, BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS) give XDP_ABORTED; a key
 * with no entry gives the action in the low flag bits (unless broadcasting); else XDP_REDIRECT.
 * (bpfbox's device, CPU and socket maps hold no entries, so only the fallback and broadcast
 * paths can be seen with them.)
 */
export function redirectMap(
  mapType: string, has: (key: Uint8Array) => boolean, key: number, flagsLo: number, flagsHi: number,
): { action: number; redirected: boolean } {
  const devmap = mapType === 'devmap' || mapType === 'devmap_hash';
  const allowed = XDP_ACTION_MASK | (devmap ? BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS : 0);
  if (flagsHi !== 0 || (flagsLo & ~allowed) !== 0) return { action: XDP_ABORTED, redirected: false };
  const k = Uint8Array.of(key & 0xff, (key >>> 8) & 0xff, (key >>> 16) & 0xff, key >>> 24);
  if (!has(k) && (flagsLo & BPF_F_BROADCAST) === 0) return { action: flagsLo & XDP_ACTION_MASK, redirected: false };
  return { action: XDP_REDIRECT, redirected: true };
}
