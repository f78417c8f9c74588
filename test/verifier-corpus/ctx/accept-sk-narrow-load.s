# type: socket_filter
# expect: accept
# kernel: accept
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: __sk_buff allows narrow (1- and 2-byte) loads of its u32 fields
r0 = *(u8 *)(r1 + 0)
r2 = *(u16 *)(r1 + 2)
r0 += r2
exit
