# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=8 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: privileged: a pointer may be compared with another pointer or a constant
r0 = 2
if r1 == r10 goto +1
if r1 != 0 goto +1
r0 = 1
exit
