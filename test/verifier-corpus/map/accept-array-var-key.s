# type: xdp
# maps: array key=4 value=8 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=11 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=8
# what: an array lookup with a key from the context may fail: the null check is required
r2 = *(u32 *)(r1 + 16)
*(u32 *)(r10 - 4) = r2
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r0 = *(u64 *)(r0 + 0)
out:
r0 = 2
exit
