# type: xdp
# expect: reject pc=3
# kernel: reject pc=3 errno=EACCES
# kernel-message: R1 !read_ok
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a second helper call reuses R1, which the first call clobbered
r2 = 4
call 44
r2 = 4
call 44
r0 = 2
exit
