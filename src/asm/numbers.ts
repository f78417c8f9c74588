// Number literals of both syntaxes: decimal or `0x` hex, a separate leading `-` token for negatives.

const DECIMAL = /^[0-9]+$/;
const HEX = /^0[xX][0-9a-fA-F]+$/;

/** The value of a number token, or undefined when it is malformed (`12ab`, `0x`). */
export function parseNumberText(text: string): bigint | undefined {
  if (DECIMAL.test(text) || HEX.test(text)) return BigInt(text);
  return undefined;
}

export const isHexText = (text: string): boolean => HEX.test(text);

export const S16_MIN = -32768;
export const S16_MAX = 32767;
export const S32_MIN = -(2 ** 31);
export const S32_MAX = 2 ** 31 - 1;
export const U32_MAX = 2 ** 32 - 1;
const S64_MIN = -(2n ** 63n);
const U64_MAX = 2n ** 64n - 1n;

export const fitsS16 = (v: bigint): boolean => v >= BigInt(S16_MIN) && v <= BigInt(S16_MAX);
export const fitsS32 = (v: bigint): boolean => v >= BigInt(S32_MIN) && v <= BigInt(S32_MAX);
/** 32-bit immediates may be written signed or as their unsigned bit pattern. */
export const fits32 = (v: bigint): boolean => v >= BigInt(S32_MIN) && v <= BigInt(U32_MAX);
export const fits64 = (v: bigint): boolean => v >= S64_MIN && v <= U64_MAX;

/** The s32 stored for a 32-bit immediate (values >= 2^31 are their bit pattern). */
export const toS32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

/** Low and high s32 halves of a 64-bit immediate. */
export function splitImm64(v: bigint): { lo: number; hi: number } {
  const u = BigInt.asUintN(64, v);
  return { lo: Number(BigInt.asIntN(32, u)), hi: Number(BigInt.asIntN(32, u >> 32n)) };
}

// Small values read best in decimal, large ones (masks, bit patterns) in hex.
const DECIMAL_LIMIT = 65536;

/** A 32-bit immediate for printing: `-4`, `255`, `0xffff0000` (the unsigned bit pattern). */
export function formatImm32(v: number): string {
  if (v > -DECIMAL_LIMIT && v < DECIMAL_LIMIT) return String(v);
  return '0x' + (v >>> 0).toString(16);
}

/** A 64-bit immediate for printing: `-1`, `42`, `0x1122334455667788`. */
export function formatImm64(lo: number, hi: number): string {
  const u = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  const s = BigInt.asIntN(64, u);
  if (s > -BigInt(DECIMAL_LIMIT) && s < BigInt(DECIMAL_LIMIT)) return String(s);
  return '0x' + u.toString(16);
}

/** A signed relative offset with its sign always shown: `+3`, `-1`, `+0`. */
export const formatSigned = (v: number): string => (v < 0 ? String(v) : `+${v}`);
