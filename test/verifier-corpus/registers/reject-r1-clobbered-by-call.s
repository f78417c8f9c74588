# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EACCES
# kernel-message: R1 !read_ok
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: R1-R5 are scratch registers: after a helper call R1 is unreadable
call 7
r0 = *(u32 *)(r1 + 0)
exit
