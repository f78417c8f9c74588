# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=3 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: an immediate 32-bit store (ST) and an aligned 32-bit load
*(u32 *)(r10 - 4) = 7
r0 = *(u32 *)(r10 - 4)
exit
