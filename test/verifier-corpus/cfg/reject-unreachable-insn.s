# type: xdp
# expect: reject pc=2
# kernel: reject pc=2 errno=EINVAL
# kernel-message: unreachable insn 2
# kernel-stats: processed=0 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: an instruction no edge reaches (after an exit) is rejected before the walk
r0 = 0
exit
r0 = 1
exit
