# type: xdp
# maps: hash key=4 value=8 entries=4
# expect: reject
# kernel: reject pc=7 errno=EACCES
# kernel-message: R0 pointer arithmetic on map_value_or_null prohibited, null-check it first
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: a lookup result may be NULL: no arithmetic on it before the check
r1 = 0
*(u32 *)(r10 - 4) = r1
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
r0 += 8
r0 = 2
exit
