// bpf_loop (helper 181): argument checks as kernel/bpf/bpf_iter.c's bpf_loop; the iteration itself
// is run by the Vm (HelperContext.loop), so callbacks execute as ordinary instructions: traced,
// stepped, counted against the budget, in a call frame of their own.

import { BPF_MAX_LOOPS } from '../../vm/machine.js';
import type { HelperFn } from '../../vm/helpers.js';
import { E2BIG, EINVAL } from './errno.js';

export const HELPER_LOOP = 181;

/** bpf_loop(nr_loops, callback_fn, callback_ctx, flags): flags must be 0 (-EINVAL), nr_loops at
 * most 2^23 (-E2BIG); returns the number of callback calls made. */
export const bpfLoop: HelperFn = (ctx) => {
  if (ctx.argLo(4) !== 0 || ctx.argHi(4) !== 0) return ctx.setReturn(-EINVAL);
  const nrLoops = ctx.argLo(1); // a u32 argument: the high half is ignored
  if (nrLoops > BPF_MAX_LOOPS) return ctx.setReturn(-E2BIG);
  ctx.loop(ctx.arg(2), nrLoops, ctx.arg(3));
};
