# type: xdp
# maps: hash key=4 value=64 entries=4
# expect: reject pc=11
# kernel: reject pc=11 errno=EINVAL
# kernel-message: math between map_value pointer and register with unbounded min value is not allowed
# kernel-stats: processed=11 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=8
# what: r2 is a copy of an earlier value of r1; r1 was reloaded, so checking r2 proves nothing
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r1 = *(u64 *)(r0 + 0)
r2 = r1
r1 = *(u64 *)(r0 + 8)
if r2 > 63 goto out
r0 += r1
r0 = *(u8 *)(r0 + 0)
out:
r0 = 2
exit
