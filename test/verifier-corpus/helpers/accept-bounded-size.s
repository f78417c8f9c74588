# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=12 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=16
# what: a size argument may be a bounded variable (1..16) instead of a constant
r6 = r1
call 7
r4 = r0
r4 &= 15
r4 += 1
r1 = r6
r2 = 0
r3 = r10
r3 += -16
call 189
r0 = 2
exit
