# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EINVAL
# kernel-message: div by zero
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: signed division by the immediate 0
r0 = 5
r0 s/= 0
exit
