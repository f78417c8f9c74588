# type: xdp
# maps: ringbuf key=0 value=0 entries=4096
# expect: reject pc=7
# kernel: reject pc=7 errno=EACCES
# kernel-message: invalid access to memory, mem_size=8 off=8 size=8
# kernel-message-2: R0 min value is outside of the allowed memory range
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: an 8-byte record written at offset 8
r1 = map_fd(0) ll
r2 = 8
r3 = 0
call 131
if r0 == 0 goto out
r1 = 1
*(u64 *)(r0 + 8) = r1
r1 = r0
r2 = 0
call 132
out:
r0 = 2
exit
