# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EACCES
# kernel-message: invalid size of register fill
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: a 4-byte fill of half a spilled pointer is refused outright (the kernel does not turn it
#   into a scalar)
*(u64 *)(r10 - 8) = r1
r2 = *(u32 *)(r10 - 8)
r0 = *(u32 *)(r2 + 0)
exit
