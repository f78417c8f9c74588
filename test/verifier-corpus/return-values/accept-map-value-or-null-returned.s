# type: xdp
# maps: hash key=4 value=8 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=6 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: privileged: returning the unchecked result of a map lookup (a pointer or NULL) is not
#   an access, so it is accepted
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
exit
