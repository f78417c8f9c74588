# type: socket_filter
# expect: accept
# kernel: accept
# kernel-stats: processed=3 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: R1 holds the context at entry and can be copied to any register
r6 = r1
r0 = *(u32 *)(r6 + 0)
exit
