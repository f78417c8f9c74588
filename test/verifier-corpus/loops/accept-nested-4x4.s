# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=64 total_states=4 peak_states=4 max_states_per_insn=1 stack_depth=0
# what: two nested loops of 4 iterations each
r0 = 0
r1 = 0
outer:
r2 = 0
inner:
r0 += 1
r2 += 1
if r2 < 4 goto inner
r1 += 1
if r1 < 4 goto outer
r0 = 2
exit
