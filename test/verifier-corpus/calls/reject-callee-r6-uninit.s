# type: xdp
# expect: reject pc=3
# kernel: reject pc=3 errno=EACCES
# kernel-message: R6 !read_ok
# kernel-stats: processed=3 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0+0
# what: a callee's R6-R9 start uninitialized (they are not arguments)
r6 = 1
call f
exit
f:
r0 = r6
exit
