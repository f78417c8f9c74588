# type: xdp
# maps: hash key=4 value=64 entries=4
# expect: reject pc=9
# kernel: reject pc=9 errno=EINVAL
# kernel-message: math between map_value pointer and register with unbounded min value is not allowed
# kernel-stats: processed=9 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: kernel limitation: x % 64 is 0..63, but Linux 6.18 does not track modulo: the result is
#   a fully unknown scalar, refused as a pointer offset at the addition (mask with & 63 instead)
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r1 = *(u32 *)(r0 + 0)
r1 %= 64
r0 += r1
r0 = *(u8 *)(r0 + 0)
out:
r0 = 2
exit
