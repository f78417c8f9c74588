# type: xdp
# maps: ringbuf key=0 value=0 entries=4096
# expect: reject
# kernel: reject pc=7 errno=EACCES
# kernel-message: invalid zero-sized read
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: ring buffers have no elements to update
r2 = r10
r2 += -8
r3 = r10
r3 += -16
r1 = map_fd(0) ll
r4 = 0
call 2
r0 = 2
exit
