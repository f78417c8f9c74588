# type: xdp
# maps: percpu_array key=4 value=8 entries=4
# expect: reject pc=7
# kernel: reject pc=7 errno=EACCES
# kernel-message: invalid access to map value, value_size=8 off=8 size=8
# kernel-message-2: R0 min value is outside of the allowed memory range
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: per-CPU array values are value_size bytes like any other
r1 = 0
*(u32 *)(r10 - 4) = r1
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
r0 = *(u64 *)(r0 + 8)
r0 = 2
exit
