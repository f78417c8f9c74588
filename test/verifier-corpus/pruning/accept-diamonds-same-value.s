# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=18 total_states=2 peak_states=2 max_states_per_insn=0 stack_depth=0
# what: both sides of each diamond write the same constant: the joined states are equal
r6 = *(u32 *)(r1 + 16)
if r6 & 1 goto +2
r7 = 1
goto +1
r7 = 1
if r6 & 2 goto +2
r7 = 2
goto +1
r7 = 2
r0 = r7
exit
