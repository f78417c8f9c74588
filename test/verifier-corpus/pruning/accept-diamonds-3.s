# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=23 total_states=2 peak_states=2 max_states_per_insn=0 stack_depth=0
# what: three diamonds in a row whose values are dead afterwards: second paths are pruned at a
#   later join where a checkpoint exists (r6 and r7 differ there but are not live), so far
#   fewer instructions are processed than 2^3 paths would take
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
r0 = 2
exit
