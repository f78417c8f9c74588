# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EACCES
# kernel-message: R2 tried to subtract pointer from scalar
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: scalar - pointer
r2 = 100
r2 -= r10
r0 = 2
exit
