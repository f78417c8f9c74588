# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EACCES
# kernel-message: R2 bitwise operator &= on pointer prohibited
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a bitwise and on a pointer (aligning it by hand)
r2 = r10
r2 &= -8
r0 = 2
exit
