# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: a 64-bit store to the stack and a load of the same slot
r1 = 42
*(u64 *)(r10 - 8) = r1
r0 = *(u64 *)(r10 - 8)
exit
