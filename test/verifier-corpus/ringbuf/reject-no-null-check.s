# type: xdp
# maps: ringbuf key=0 value=0 entries=4096
# expect: reject pc=6
# kernel: reject pc=6 errno=EACCES
# kernel-message: R0 invalid mem access 'ringbuf_mem_or_null'
# kernel-stats: processed=6 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: the reservation may fail: the record must be checked for NULL before it is written
r1 = map_fd(0) ll
r2 = 16
r3 = 0
call 131
r1 = 1
*(u64 *)(r0 + 0) = r1
r1 = r0
r2 = 0
call 132
r0 = 2
exit
