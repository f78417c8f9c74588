# type: socket_filter
# expect: accept
# kernel: accept
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: __sk_buff ifindex (40) and hash (36), vlan_tci (28)
r2 = *(u32 *)(r1 + 40)
r3 = *(u32 *)(r1 + 36)
r0 = *(u32 *)(r1 + 28)
exit
