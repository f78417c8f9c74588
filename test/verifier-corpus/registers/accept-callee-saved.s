# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=10 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: R6-R9 survive a helper call; R1-R5 do not but are not read after it
r6 = r1
r7 = 7
r8 = 8
r9 = 9
call 7
r0 = r7
r0 += r8
r0 += r9
r2 = *(u32 *)(r6 + 12)
exit
