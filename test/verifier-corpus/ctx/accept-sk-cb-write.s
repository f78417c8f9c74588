# type: socket_filter
# expect: accept
# kernel: accept
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a socket filter may write the cb[] scratch area (offsets 48-67) and read it back
r2 = 7
*(u32 *)(r1 + 48) = r2
*(u32 *)(r1 + 64) = r2
r0 = *(u32 *)(r1 + 48)
exit
