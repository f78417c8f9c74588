# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EINVAL
# kernel-message: jump out of range from insn 1 to -1
# kernel-stats: processed=0 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a backward jump to before instruction 0
r0 = 0
if r0 == 0 goto -3
exit
