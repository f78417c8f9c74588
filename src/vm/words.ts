// Layout of the Int32Array `W` that the interpreter works on (interpreter.ts explains why it is
// one module-level array). Words 0..CODE_AT-1 (registers, frames, depths) are also the layout of
// a Vm's own `words` while another Vm's state is in W; the code comes from the PreparedProgram.
// The hot loop uses these values as literals; test/vm-dispatch.test.ts checks that they agree.

/** W[0..15]: low halves of r0..r10 (16 entries because register fields are 4 bits wide). */
export const LO_AT = 0;
/** W[16..31]: high halves. */
export const HI = 16;
/** W[32..]: saved frames, FRAME_WORDS per local call: return pc, r6-r9 and r10 as lo/hi pairs. */
export const FRAMES_AT = 32;
export const FRAME_WORDS = 11;
/** Deepest call depth reached since the last reset (so reset zeroes only the stacks used). */
export const DEEPEST_FRAME_AT = 120;
/** The current call depth while the hot loop runs (the Vm's `depth` otherwise). */
export const DEPTH_AT = 121;
/** Word index of slot 0. */
export const CODE_AT = 128;
/** Words per 8-byte slot of code. */
export const STRIDE = 4;
/** Size of W: 16 MiB of address space, of which only the words in use are ever touched. */
export const W_WORDS = 1 << 22;
/** Largest prepared code (slots including trap slots) that fits in W. */
export const MAX_CODE_SLOTS = (W_WORDS - CODE_AT) / STRIDE;

/** Word index in W of code slot `slot`. */
export function wordOfSlot(slot: number): number {
  return CODE_AT + slot * STRIDE;
}
