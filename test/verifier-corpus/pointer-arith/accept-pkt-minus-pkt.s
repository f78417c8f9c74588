# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=6 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: data_end - data is a scalar (the packet length); a privileged loader may subtract pointers
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r3 -= r2
r0 = r3
r0 = 2
exit
