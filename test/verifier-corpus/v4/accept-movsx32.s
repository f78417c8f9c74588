# type: xdp
# maps: hash key=4 value=64 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=19 total_states=2 peak_states=2 max_states_per_insn=0 stack_depth=8
# what: (s32) of a u32 load; checked signed both ways it bounds the index
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r1 = *(u32 *)(r0 + 0)
r1 = (s32)r1
if r1 s< 0 goto out
if r1 s> 63 goto out
r0 += r1
r0 = *(u8 *)(r0 + 0)
out:
r0 = 2
exit
