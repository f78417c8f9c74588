# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=13 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0+0
# what: one subprogram called from two places with different arguments
r1 = 1
call f
r6 = r0
r1 = 2
call f
r0 += r6
exit
f:
r0 = r1
r0 *= 3
exit
