# type: socket_filter
# expect: accept
# kernel: accept
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: R6 (the context) survives LD_ABS; R1-R5 do not, so the context is reread through R6
r6 = r1
r0 = *(u32 *)skb[0]
r2 = *(u32 *)(r6 + 0)
r0 += r2
exit
