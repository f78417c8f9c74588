# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=3 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=512
# what: the lowest valid stack address is r10 - 512 (stack depth 512)
*(u64 *)(r10 - 512) = 0
r0 = *(u64 *)(r10 - 512)
exit
