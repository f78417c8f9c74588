# type: xdp
# maps: ringbuf key=0 value=0 entries=4096
# expect: reject pc=7
# kernel: reject pc=7 errno=EACCES
# kernel-message: R1 type=ringbuf_mem_or_null expected=ringbuf_mem
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: submitting without the NULL check passes a ringbuf_mem_or_null where ringbuf_mem is needed
r1 = map_fd(0) ll
r2 = 16
r3 = 0
call 131
r1 = r0
r2 = 0
call 132
r0 = 2
exit
