# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=52 total_states=2 peak_states=2 max_states_per_insn=1 stack_depth=0
# what: a count-down loop of 16 iterations with a 32-bit counter
w1 = 16
r0 = 0
loop:
r0 += 3
w1 -= 1
if w1 != 0 goto loop
r0 = 2
exit
