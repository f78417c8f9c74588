// bpf_csum_diff (helper 28) as Linux 6.13+ computes it on x86-64 (net/core/filter.c after
// "bpf: bpf_csum_diff: optimize and homogenize for all archs"): no scratch buffer and no size
// rules beyond the verifier's,
//
//   ret = seed
//   from and to:  ret = csum_sub(csum_partial(to, seed), csum_partial(from, 0))
//   to only:      ret = csum_partial(to, seed)
//   from only:    ret = ~csum_partial(from, ~seed)
//   return csum_from32to16(ret)           (a 16-bit value, zero-extended)
//
// csum_partial of x86-64 adds the buffer as little-endian 64-bit words (a short tail zero-padded)
// with end-around carries, then folds to 32 bits. With end-around carries a sum is 0 only when
// every addend is 0, and otherwise the unique value in [1, 2^32 - 1] congruent to the plain sum
// modulo 2^32 - 1; that is what `csumPartial` computes, without the word-by-word loop.

import type { HelperFn } from '../../vm/helpers.js';

const M32 = 0xffffffff;

/** x86-64 csum_partial(buf, len, seed): the 32-bit ones'-complement sum (see the top of the file). */
export function csumPartial(buf: Uint8Array, seed: number): number {
  // Residue modulo 2^32 - 1 of seed + sum of little-endian 32-bit words (2^32 = 1 mod 2^32 - 1),
  // tracked as a safe-integer accumulator reduced every word.
  let acc = seed >>> 0;
  let anyNonZero = acc !== 0;
  for (let i = 0; i < buf.length; i += 4) {
    const w = ((buf[i] ?? 0) | ((buf[i + 1] ?? 0) << 8) | ((buf[i + 2] ?? 0) << 16) | ((buf[i + 3] ?? 0) << 24)) >>> 0;
    if (w !== 0) anyNonZero = true;
    acc = (acc + w) % M32;
  }
  if (!anyNonZero) return 0;
  return acc === 0 ? M32 : acc;
}

/** csum_add: 32-bit add with end-around carry. */
export function csumAdd(a: number, b: number): number {
  const s = (a >>> 0) + (b >>> 0);
  return s > M32 ? (s - 0x100000000 + 1) >>> 0 : s;
}

/** csum_sub(a, b) = csum_add(a, ~b). */
export function csumSub(a: number, b: number): number {
  return csumAdd(a, ~b >>> 0);
}

/** csum_from32to16: folds a 32-bit sum to 16 bits (without the final NOT of csum_fold). */
export function csumFrom32to16(x: number): number {
  const s = ((x >>> 0) + (((x >>> 16) | (x << 16)) >>> 0)) >>> 0;
  return s >>> 16;
}

/** The value bpf_csum_diff returns for these buffers (null: an empty buffer of size 0). */
export function csumDiff(from: Uint8Array | null, to: Uint8Array | null, seed: number): number {
  let ret = seed >>> 0;
  const fromSize = from?.length ?? 0;
  const toSize = to?.length ?? 0;
  if (fromSize && toSize) ret = csumSub(csumPartial(to!, ret), csumPartial(from!, 0));
  else if (toSize) ret = csumPartial(to!, ret);
  else if (fromSize) ret = ~csumPartial(from!, ~ret >>> 0) >>> 0;
  return csumFrom32to16(ret);
}

/** bpf_csum_diff(from, from_size, to, to_size, seed). */
export const csumDiffHelper: HelperFn = (ctx) => {
  const read = (ptrReg: number, sizeReg: number): Uint8Array | null | false => {
    const size = ctx.argLo(sizeReg);
    if (size === 0) return null;
    const data = ctx.memory.read(ctx.arg(ptrReg), size);
    if (data instanceof Uint8Array) return data;
    ctx.fault(data.code, `bpf_csum_diff: ${data.message}`);
    return false;
  };
  const from = read(1, 2);
  if (from === false) return;
  const to = read(3, 4);
  if (to === false) return;
  ctx.setReturn(csumDiff(from, to, ctx.argLo(5)));
};
