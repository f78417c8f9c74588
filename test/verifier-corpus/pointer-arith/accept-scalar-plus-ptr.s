# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=16
# what: scalar + pointer (the pointer as the source operand) gives a pointer
r2 = -16
r2 += r10
*(u64 *)(r2 + 0) = 0
r0 = *(u64 *)(r10 - 16)
exit
