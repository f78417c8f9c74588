# type: xdp
# maps: array key=4 value=8 entries=2
# expect: reject pc=0
# kernel: reject pc=? errno=ENOTSUPP
# kernel-message: invalid access to map value pointer, value_size=8 off=0
# kernel-stats: processed=0 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: direct value access needs a one-entry array
r1 = map_value(0, 0) ll
r0 = 2
exit
