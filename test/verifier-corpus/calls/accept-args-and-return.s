# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=14 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0+0
# what: arguments in R1-R5, the result in R0
r1 = 1
r2 = 2
r3 = 3
r4 = 4
r5 = 5
call add5
r0 = 2
exit
add5:
r0 = r1
r0 += r2
r0 += r3
r0 += r4
r0 += r5
exit
