# type: xdp
# maps: ringbuf key=0 value=0 entries=4096
# expect: reject
# kernel: reject pc=6 errno=EACCES
# kernel-message: invalid zero-sized read
# kernel-stats: processed=6 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: a ring buffer has no elements to look up
r1 = 0
*(u32 *)(r10 - 4) = r1
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
r0 = 2
exit
