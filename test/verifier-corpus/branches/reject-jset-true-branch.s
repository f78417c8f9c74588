# type: xdp
# maps: hash key=4 value=64 entries=4
# expect: reject pc=10
# kernel: reject pc=10 errno=EINVAL
# kernel-message: value -9223372036854775744 makes map_value pointer be out of bounds
# kernel-stats: processed=12 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=8
# what: the taken branch of 'if x & 64' only knows bit 6 is set; x stays unbounded, and
#   the kernel refuses the pointer addition (the smallest value with bit 6 set is S64_MIN + 64)
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r1 = *(u64 *)(r0 + 0)
if r1 & 64 goto use
goto out
use:
r0 += r1
r0 = *(u8 *)(r0 + 0)
out:
r0 = 2
exit
