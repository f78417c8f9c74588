# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EACCES
# kernel-message: R0 !read_ok
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0+0
# what: the callee returned without setting R0 and the caller returns that R0: the error is at
#   the caller's exit
call f
exit
f:
r1 = 0
exit
