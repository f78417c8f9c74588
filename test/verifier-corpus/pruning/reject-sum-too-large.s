# type: xdp
# maps: hash key=4 value=5 entries=4
# expect: reject pc=20
# kernel: reject pc=20 errno=EACCES
# kernel-message: invalid access to map value, value_size=5 off=5 size=1
# kernel-message-2: R0 min value is outside of the allowed memory range
# kernel-stats: processed=88 total_states=9 peak_states=9 max_states_per_insn=2 stack_depth=8
# what: r7 starts at 5 and each of five diamonds may subtract 1; the first path walked (all
#   fall-throughs) ends at 0, and only the path that takes every jump keeps index 5 of a 5-byte
#   value. Pruning must not hide that last path
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r6 = *(u8 *)(r0 + 0)
r7 = 5
if r6 & 1 goto +1
r7 -= 1
if r6 & 2 goto +1
r7 -= 1
if r6 & 4 goto +1
r7 -= 1
if r6 & 8 goto +1
r7 -= 1
if r6 & 16 goto +1
r7 -= 1
r0 += r7
r0 = *(u8 *)(r0 + 0)
out:
r0 = 2
exit
