# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EINVAL
# kernel-message: div by zero
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: signed modulo by the immediate 0 (32-bit)
w0 = 5
w0 s%= 0
exit
