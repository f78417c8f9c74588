# type: xdp
# expect: reject pc=2
# kernel: reject pc=2 errno=EACCES
# kernel-message: R0 !read_ok
# kernel-stats: processed=3 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: cmpxchg reads R0 (the expected value), which was never set
*(u64 *)(r10 - 8) = 0
r1 = 1
r0 = cmpxchg_64(r10 - 8, r0, r1)
r0 = 2
exit
