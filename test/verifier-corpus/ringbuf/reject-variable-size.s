# type: xdp
# maps: ringbuf key=0 value=0 entries=4096
# expect: reject pc=6
# kernel: reject pc=6 errno=EACCES
# kernel-message: R2 is not a known constant'
# kernel-stats: processed=6 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: the record size must be a known constant
call 7
r2 = r0
r2 &= 63
r1 = map_fd(0) ll
r3 = 0
call 131
r0 = 2
exit
