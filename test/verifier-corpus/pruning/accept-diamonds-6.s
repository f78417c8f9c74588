# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=56 total_states=6 peak_states=6 max_states_per_insn=0 stack_depth=0
# what: six diamonds whose results are dead: the cost grows linearly, not as 2^6
r6 = *(u32 *)(r1 + 16)
if r6 & 1 goto +2
r7 = 1
goto +1
r7 = 2
if r6 & 2 goto +2
r7 = 3
goto +1
r7 = 4
if r6 & 4 goto +2
r7 = 5
goto +1
r7 = 6
if r6 & 8 goto +2
r7 = 7
goto +1
r7 = 8
if r6 & 16 goto +2
r7 = 9
goto +1
r7 = 10
if r6 & 32 goto +2
r7 = 11
goto +1
r7 = 12
r0 = 2
exit
