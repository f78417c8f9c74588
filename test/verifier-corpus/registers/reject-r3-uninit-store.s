# type: xdp
# expect: reject pc=0
# kernel: reject pc=0 errno=EACCES
# kernel-message: R3 !read_ok
# kernel-stats: processed=1 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: storing an uninitialized register to the stack
*(u64 *)(r10 - 8) = r3
r0 = 0
exit
