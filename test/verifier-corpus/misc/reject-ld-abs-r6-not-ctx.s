# type: socket_filter
# expect: reject pc=1
# kernel: reject pc=1 errno=EINVAL
# kernel-message: at the time of BPF_LD_ABS|IND R6 != pointer to skb
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: BPF_LD_ABS takes the context from R6 implicitly; here R6 is a scalar
r6 = 0
r0 = *(u8 *)skb[12]
exit
