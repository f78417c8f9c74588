# type: xdp
# maps: hash key=4 value=64 entries=4
# expect: reject pc=10
# kernel: reject pc=10 errno=EINVAL
# kernel-message: math between map_value pointer and register with unbounded min value is not allowed
# kernel-stats: processed=12 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=8
# what: on the taken branch of 'if x != 56' x is anything but 56 (still unbounded: refused at
#   the pointer addition)
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r1 = *(u64 *)(r0 + 0)
if r1 != 56 goto use
goto out
use:
r0 += r1
r0 = *(u64 *)(r0 + 0)
out:
r0 = 2
exit
