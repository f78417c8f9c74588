# type: socket_filter
# expect: accept
# kernel: accept
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: BPF_LD_IND reads at R7 + 2 (R7 a scalar); the result is in R0
r6 = r1
r7 = 10
r0 = *(u16 *)skb[r7 + 2]
exit
