# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=6 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: compare-and-exchange: R0 holds the expected value and receives the old one
*(u64 *)(r10 - 8) = 1
r0 = 1
r1 = 7
r0 = cmpxchg_64(r10 - 8, r0, r1)
r0 = 2
exit
