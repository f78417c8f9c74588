# type: xdp
# maps: hash key=4 value=64 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=131 total_states=14 peak_states=14 max_states_per_insn=3 stack_depth=8
# what: six diamonds that each add 0 or 1 to r7, which is used as a map-value index at the end:
#   r7 is live and precise, so states with different sums are not equal and pruning needs
#   range inclusion (compare with accept-diamonds-6.s)
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r6 = *(u32 *)(r0 + 0)
r7 = 0
if r6 & 1 goto +1
r7 += 1
if r6 & 2 goto +1
r7 += 1
if r6 & 4 goto +1
r7 += 1
if r6 & 8 goto +1
r7 += 1
if r6 & 16 goto +1
r7 += 1
if r6 & 32 goto +1
r7 += 1
r0 += r7
r0 = *(u8 *)(r0 + 0)
out:
r0 = 2
exit
