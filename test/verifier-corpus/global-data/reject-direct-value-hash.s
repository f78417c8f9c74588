# type: xdp
# maps: hash key=4 value=8 entries=1
# expect: reject pc=0
# kernel: reject pc=? errno=EINVAL
# kernel-message: no direct value access support for this map type
# kernel-stats: processed=0 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: direct value access exists for arrays only
r1 = map_value(0, 0) ll
r0 = 2
exit
