# type: xdp
# expect: reject pc=3
# kernel: reject pc=3 errno=E2BIG
# kernel-message: the call stack of 9 frames is too deep
# kernel-stats: processed=15 total_states=1 peak_states=1 max_states_per_insn=1 stack_depth=0+0
# what: a subprogram that calls itself: the kernel has no separate recursion check here; the
#   walk nests frames until the ninth
call f
exit
f:
r0 = 0
call f
exit
