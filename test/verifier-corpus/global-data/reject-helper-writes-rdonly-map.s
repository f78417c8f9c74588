# type: xdp
# maps: array key=4 value=16 entries=1 flags=128
# expect: reject pc=4
# kernel: reject pc=4 errno=EACCES
# kernel-message: write into map forbidden, value_size=16 off=0 size=8
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a helper may not write into a read-only map value either
r1 = map_value(0, 0) ll
r2 = 8
r3 = 0
call 113
r0 = 2
exit
