# type: xdp
# maps: hash key=4 value=64 entries=4
# expect: reject pc=9
# kernel: reject pc=9 errno=EINVAL
# kernel-message: math between map_value pointer and register with unbounded min value is not allowed
# kernel-stats: processed=9 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=8
# what: 's> 63' alone leaves negative values
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r1 = *(u64 *)(r0 + 0)
if r1 s> 63 goto out
r0 += r1
r0 = *(u8 *)(r0 + 0)
out:
r0 = 2
exit
