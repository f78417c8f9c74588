# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: atomic_fetch_add returns the old value in the source register
*(u64 *)(r10 - 8) = 1
r1 = 5
r1 = atomic_fetch_add((u64 *)(r10 - 8), r1)
r0 = r1
exit
