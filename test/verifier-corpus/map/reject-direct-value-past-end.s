# type: xdp
# maps: array key=4 value=32 entries=1
# expect: reject pc=2
# kernel: reject pc=2 errno=EACCES
# kernel-message: invalid access to map value, value_size=32 off=32 size=8
# kernel-message-2: R1 min value is outside of the allowed memory range
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: direct value access past the value's end (offset 8 + 24, 16 bytes of a 32-byte value)
r1 = map_value(0, 8) ll
r0 = *(u64 *)(r1 + 24)
r0 = 2
exit
