# type: xdp
# maps: ringbuf key=0 value=0 entries=4096
# expect: reject pc=9
# kernel: reject pc=9 errno=EINVAL
# kernel-message: R1 must have zero offset when passed to release func or trusted arg to kfunc
# kernel-stats: processed=9 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a record is released through the pointer reserve returned, not one moved inside it
r1 = map_fd(0) ll
r2 = 16
r3 = 0
call 131
if r0 == 0 goto out
r1 = r0
r1 += 8
r2 = 0
call 132
out:
r0 = 2
exit
