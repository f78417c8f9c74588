# type: xdp
# maps: hash key=4 value=64 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=14 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=8
# what: (x & 7) << 3 is 0..56 in steps of 8: an aligned u64 index into a 64-byte value
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r1 = *(u32 *)(r0 + 0)
r1 &= 7
r1 <<= 3
r0 += r1
r0 = *(u64 *)(r0 + 0)
out:
r0 = 2
exit
