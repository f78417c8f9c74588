# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=6 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: an atomic 64-bit add to an initialized stack slot
*(u64 *)(r10 - 8) = 1
r1 = 5
lock *(u64 *)(r10 - 8) += r1
r0 = *(u64 *)(r10 - 8)
r0 = 2
exit
