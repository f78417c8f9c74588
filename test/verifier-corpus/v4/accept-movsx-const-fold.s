# type: xdp
# maps: hash key=4 value=64 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=14 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=8
# what: sign extension of a constant is folded: (s16)0xfff8 = -8, + 16 = 8
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r1 = 0xfff8
r1 = (s16)r1
r1 += 16
r0 += r1
r0 = *(u64 *)(r0 + 0)
out:
r0 = 2
exit
