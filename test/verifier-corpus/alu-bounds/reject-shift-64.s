# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EINVAL
# kernel-message: invalid shift 64
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a 64-bit shift by the immediate 64
r0 = 1
r0 <<= 64
exit
