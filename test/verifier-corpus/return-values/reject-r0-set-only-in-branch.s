# type: socket_filter
# expect: reject pc=2
# kernel: reject pc=2 errno=EACCES
# kernel-message: R0 !read_ok
# kernel-stats: processed=3 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: R0 is written on the taken path only
r2 = *(u32 *)(r1 + 0)
if r2 > 64 goto +1
exit
r0 = 64
exit
