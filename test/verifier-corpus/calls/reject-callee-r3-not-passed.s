# type: xdp
# expect: reject pc=4
# kernel: reject pc=4 errno=EACCES
# kernel-message: R3 !read_ok
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0+0
# what: the caller never set R3, so the callee cannot read it
r2 = 1
call f
exit
f:
r0 = r2
r0 += r3
exit
