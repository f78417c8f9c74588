# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EACCES
# kernel-message: R2 32-bit pointer arithmetic prohibited
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: 32-bit arithmetic on a pointer
r2 = r10
w2 += -8
r0 = 2
exit
