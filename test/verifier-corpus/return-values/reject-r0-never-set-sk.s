# type: socket_filter
# expect: reject pc=3
# kernel: reject pc=3 errno=EACCES
# kernel-message: R0 !read_ok
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a socket filter that sets other registers but never R0
r6 = r1
r1 = 1
r2 = 2
exit
