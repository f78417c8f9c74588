# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=10 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: eight 1-byte stores initialize a slot that is then read as one u64
*(u8 *)(r10 - 8) = 1
*(u8 *)(r10 - 7) = 2
*(u8 *)(r10 - 6) = 3
*(u8 *)(r10 - 5) = 4
*(u8 *)(r10 - 4) = 5
*(u8 *)(r10 - 3) = 6
*(u8 *)(r10 - 2) = 7
*(u8 *)(r10 - 1) = 8
r0 = *(u64 *)(r10 - 8)
exit
