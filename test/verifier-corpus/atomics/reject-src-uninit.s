# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EACCES
# kernel-message: R3 !read_ok
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: the source register of an atomic add is uninitialized
*(u64 *)(r10 - 8) = 0
lock *(u64 *)(r10 - 8) += r3
r0 = 2
exit
