# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: data and data_end loads give packet pointers that can be compared
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r0 = 2
if r2 >= r3 goto +1
r0 = 1
exit
