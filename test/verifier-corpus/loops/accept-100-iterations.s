# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=404 total_states=6 peak_states=6 max_states_per_insn=4 stack_depth=0
# what: 100 iterations of a 3-instruction body
r1 = 0
r2 = 0
loop:
r2 += r1
r2 ^= 5
r1 += 1
if r1 != 100 goto loop
r0 = 2
exit
