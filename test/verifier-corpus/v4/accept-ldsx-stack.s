# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=8 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: sign-extending loads (s8, s16, s32) from the stack
*(u64 *)(r10 - 8) = -1
r1 = *(s8 *)(r10 - 8)
r2 = *(s16 *)(r10 - 8)
r3 = *(s32 *)(r10 - 8)
r0 = r1
r0 += r2
r0 += r3
exit
