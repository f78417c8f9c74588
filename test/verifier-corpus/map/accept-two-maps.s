# type: xdp
# maps: hash key=4 value=8 entries=16; array key=4 value=8 entries=8
# expect: accept
# kernel: accept
# kernel-stats: processed=19 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=8
# what: two maps: the value read from one is stored into the other
*(u32 *)(r10 - 4) = 1
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r6 = *(u64 *)(r0 + 0)
r2 = r10
r2 += -4
r1 = map_fd(1) ll
call 1
if r0 == 0 goto out
*(u64 *)(r0 + 0) = r6
out:
r0 = 2
exit
