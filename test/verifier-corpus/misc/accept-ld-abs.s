# type: socket_filter
# expect: accept
# kernel: accept
# kernel-stats: processed=3 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: legacy packet access: BPF_LD_ABS reads a byte at an absolute offset (needs R6 = ctx)
r6 = r1
r0 = *(u8 *)skb[12]
exit
