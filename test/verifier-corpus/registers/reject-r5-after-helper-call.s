# type: xdp
# expect: reject pc=3
# kernel: reject pc=3 errno=EACCES
# kernel-message: R5 !read_ok
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: R5 is set before a helper call and read after it (the call clobbered R5)
r5 = 1
call 8
r0 = 0
r0 += r5
exit
