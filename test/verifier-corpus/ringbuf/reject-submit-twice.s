# type: xdp
# maps: ringbuf key=0 value=0 entries=4096
# expect: reject pc=12
# kernel: reject pc=12 errno=EACCES
# kernel-message: R1 type=scalar expected=ringbuf_mem
# kernel-stats: processed=12 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: after the first submit every copy of the record pointer is invalid (a scalar for a
#   privileged loader), so the second submit gets a scalar
r1 = map_fd(0) ll
r2 = 8
r3 = 0
call 131
if r0 == 0 goto out
r6 = r0
r1 = r0
r2 = 0
call 132
r1 = r6
r2 = 0
call 132
out:
r0 = 2
exit
