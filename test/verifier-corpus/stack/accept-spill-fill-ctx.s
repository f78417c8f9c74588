# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=16
# what: a spilled context pointer is filled back as a context pointer and can be dereferenced
*(u64 *)(r10 - 16) = r1
r1 = 0
r2 = *(u64 *)(r10 - 16)
r0 = *(u32 *)(r2 + 12)
exit
