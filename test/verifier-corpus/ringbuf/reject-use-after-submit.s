# type: xdp
# maps: ringbuf key=0 value=0 entries=4096
# expect: reject pc=11
# kernel: reject pc=11 errno=EACCES
# kernel-message: R6 invalid mem access 'scalar'
# kernel-stats: processed=11 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: a record may not be touched after it was submitted
r1 = map_fd(0) ll
r2 = 8
r3 = 0
call 131
if r0 == 0 goto out
r6 = r0
r1 = r0
r2 = 0
call 132
r1 = 1
*(u64 *)(r6 + 0) = r1
out:
r0 = 2
exit
