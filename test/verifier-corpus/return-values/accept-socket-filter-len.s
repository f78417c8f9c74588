# type: socket_filter
# expect: accept
# kernel: accept
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a socket filter returns how many bytes to keep: here skb->len (0 would drop)
r0 = *(u32 *)(r1 + 0)
exit
