# type: xdp
# maps: array key=4 value=16 entries=1
# expect: accept
# kernel: accept
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: global data: a one-entry array read through lddw src=2 (map_value(0, 8))
r1 = map_value(0, 8) ll
r0 = *(u32 *)(r1 + 4)
r0 = 2
exit
