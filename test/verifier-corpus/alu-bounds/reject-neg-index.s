# type: xdp
# maps: hash key=4 value=64 entries=4
# expect: reject pc=11
# kernel: reject pc=11 errno=EACCES
# kernel-message: R0 min value is negative, either use unsigned index or do a if (index >=0) check.
# kernel-stats: processed=11 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: negating a 0..7 index gives -7..0
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r1 = *(u32 *)(r0 + 0)
r1 &= 7
r1 = -r1
r0 += r1
r0 = *(u8 *)(r0 + 0)
out:
r0 = 2
exit
