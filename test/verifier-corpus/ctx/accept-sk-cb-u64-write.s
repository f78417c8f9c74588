# type: socket_filter
# expect: accept
# kernel: accept
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: cb[] (five u32 fields) may also be written with an aligned 8-byte store
r2 = 0
*(u32 *)(r1 + 48) = r2
r0 = 0
*(u64 *)(r1 + 48) = r2
exit
