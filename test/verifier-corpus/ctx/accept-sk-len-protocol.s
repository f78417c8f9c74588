# type: socket_filter
# expect: accept
# kernel: accept
# kernel-stats: processed=6 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a socket filter reads __sk_buff len (0), pkt_type (4), mark (8), protocol (16)
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = *(u32 *)(r1 + 8)
r0 = *(u32 *)(r1 + 16)
r0 += r2
exit
