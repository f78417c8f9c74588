# type: xdp
# maps: array key=4 value=8 entries=1
# expect: reject pc=2
# kernel: reject pc=2 errno=EACCES
# kernel-message: R1 pointer arithmetic on map_ptr prohibited
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a map pointer (CONST_PTR_TO_MAP) cannot be moved
r1 = map_fd(0) ll
r1 += 8
r0 = 2
exit
