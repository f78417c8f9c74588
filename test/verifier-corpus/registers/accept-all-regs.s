# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=19 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: every general register written then read
r0 = 0
r2 = 2
r3 = 3
r4 = 4
r5 = 5
r6 = 6
r7 = 7
r8 = 8
r9 = 9
r1 = r2
r1 += r3
r1 += r4
r1 += r5
r1 += r6
r1 += r7
r1 += r8
r1 += r9
r0 = r1
exit
