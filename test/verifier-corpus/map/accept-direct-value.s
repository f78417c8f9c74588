# type: xdp
# maps: array key=4 value=32 entries=1
# expect: accept
# kernel: accept
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: direct value access (lddw src=2, map_value(0, 8)) into a one-entry array: a map_value
#   pointer at offset 8 with no lookup
r1 = map_value(0, 8) ll
r0 = *(u64 *)(r1 + 16)
r0 = 2
exit
