# type: xdp
# maps: hash key=4 value=8 entries=4
# expect: reject pc=7
# kernel: reject pc=7 errno=EACCES
# kernel-message: R0 invalid mem access 'map_value_or_null'
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: an atomic add through an unchecked lookup result
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
r1 = 1
lock *(u64 *)(r0 + 0) += r1
r0 = 2
exit
