# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EACCES
# kernel-message: R5 !read_ok
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: an uninitialized register used as the base of a load
r0 = 0
r0 = *(u64 *)(r5 + 0)
exit
