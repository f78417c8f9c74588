// Layout of the Int32Array `W` that the interpreter works on (see interpreter.ts for why it is a
// single array). The hot loop uses these values as literals; test/vm-dispatch.test.ts checks that
// the two agree.

/** W[0..15]: low halves of r0..r10 (16 entries because register fields are 4 bits wide). */
export const LO_AT = 0;
/** W[16..31]: high halves. */
export const HI = 16;
/** W[32..]: saved frames, FRAME_WORDS per local call: return pc, r6-r9 and r10 as lo/hi pairs. */
export const FRAMES_AT = 32;
export const FRAME_WORDS = 11;
/** Deepest call depth reached since the last reset (so reset zeroes only the stacks used). */
export const DEEPEST_FRAME_AT = 120;
/** W[124..127]: scratch for the 64-bit division routine (arith.ts). */
export const DIV_SCRATCH_AT = 124;
/** Word index of slot 0. */
export const CODE_AT = 128;
/** Words per 8-byte slot of code. */
export const STRIDE = 4;

/** Word index in W of code slot `slot`. */
export function wordOfSlot(slot: number): number {
  return CODE_AT + slot * STRIDE;
}
