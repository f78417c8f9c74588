# type: xdp
# maps: hash key=4 value=64 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=22 total_states=2 peak_states=2 max_states_per_insn=0 stack_depth=8
# what: the first path reaches the join with x in 0..63, the second with x in 0..31: the second
#   state is contained in the first (range inclusion) and is pruned
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r6 = *(u32 *)(r0 + 0)
r7 = *(u32 *)(r0 + 4)
if r6 & 1 goto +2
r7 &= 63
goto +1
r7 &= 31
r0 += r7
r0 = *(u8 *)(r0 + 0)
out:
r0 = 2
exit
