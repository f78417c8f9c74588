# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EACCES
# kernel-message: R4 !read_ok
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: comparing an uninitialized register
r0 = 0
if r4 > 0 goto +1
exit
r0 = 1
exit
