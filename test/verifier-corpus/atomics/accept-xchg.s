# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: an atomic exchange on the stack
*(u64 *)(r10 - 8) = 1
r1 = 2
r1 = xchg_64(r10 - 8, r1)
r0 = r1
exit
