# type: xdp
# maps: hash key=4 value=8 entries=4
# expect: reject pc=9
# kernel: reject pc=9 errno=EINVAL
# kernel-message: math between map_value pointer and register with unbounded min value is not allowed
# kernel-stats: processed=9 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=8
# what: adding a fully unknown 64-bit value to a map value pointer
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r6 = r0
call 5
r6 += r0
out:
r0 = 2
exit
