// bpf_tail_call (helper 12): the prog-array lookup. The chain limit, the count and the switch to
// the target are the Vm's (HelperContext.tailCall), as in the kernel, where the interpreter does
// them itself.

import type { Program } from '../../isa/index.js';
import type { HelperFn } from '../../vm/helpers.js';
import type { PreparedProgram } from '../../vm/prepare.js';

export const HELPER_TAIL_CALL = 12;

export interface TailCallTarget {
  readonly program: PreparedProgram | Program;
  readonly name: string;
}

/** What the helper needs of a prog array. */
export interface ProgArrayView {
  readonly maxEntries: number;
  /** The program in slot `index` (< maxEntries), or null for an empty slot. */
  target(index: number): TailCallTarget | null;
}

/**
 * bpf_tail_call(ctx, prog_array_map, index). `progArray` gives the prog array a map handle (r2)
 * names, or null. As Linux 6.18: an index >= max_entries or an empty slot continues after the
 * call, uncounted; a tail call that reaches a program counts toward MAX_TAIL_CALL_CNT (33), and
 * the 34th fails. A failed tail call leaves r0 as it was (the verifier forbids reading it).
 * `entered` hears the name of every program entered.
 */
export function tailCallHelper(
  progArray: (handle: bigint) => ProgArrayView | null,
  entered?: (name: string) => void,
): HelperFn {
  return (ctx) => {
    const array = progArray(ctx.arg(2));
    if (!array) {
      return ctx.fault('E_BAD_MAP', `bpf_tail_call: r2 (${ctx.arg(2)}) is not a prog array map`);
    }
    const index = ctx.argLo(3); // a u32 argument
    if (index >= array.maxEntries) return;
    const target = array.target(index);
    if (ctx.tailCall(target ? target.program : null, target?.name) && target) entered?.(target.name);
  };
}
