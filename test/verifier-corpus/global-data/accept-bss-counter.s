# type: xdp
# maps: array key=4 value=8 entries=1
# expect: accept
# kernel: accept
# kernel-stats: processed=6 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a .bss counter incremented in place
r1 = map_value(0, 0) ll
r2 = *(u64 *)(r1 + 0)
r2 += 1
*(u64 *)(r1 + 0) = r2
r0 = 2
exit
