# type: raw
# mem: 8
# expect: accept
# kernel: accept
# kernel-stats: processed=12 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: writes to the memory within its size
*(u32 *)(r1 + 0) = 1
*(u32 *)(r1 + 4) = 2
r0 = *(u64 *)(r1 + 0)
exit
