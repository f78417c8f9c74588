# type: xdp
# expect: reject pc=5
# kernel: reject pc=5 errno=EACCES
# kernel-message: invalid read from stack R2 off=8 size=4
# kernel-stats: processed=8 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: the first path (fall-through) makes R2 the context and reads offset 16 safely; the
#   second reaches the same read with R2 a stack pointer: a state of another type is never
#   pruned by the first one, so it is walked and fails
r6 = *(u32 *)(r1 + 16)
r2 = r10
r2 += -8
if r6 & 1 goto +1
r2 = r1
r0 = *(u32 *)(r2 + 16)
exit
