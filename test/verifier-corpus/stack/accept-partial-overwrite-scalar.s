# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: overwriting one byte of a spilled scalar leaves an initialized (unknown) slot
r1 = 5
*(u64 *)(r10 - 8) = r1
*(u8 *)(r10 - 8) = 1
r0 = *(u64 *)(r10 - 8)
exit
