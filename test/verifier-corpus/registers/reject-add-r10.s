# type: xdp
# expect: reject pc=0
# kernel: reject pc=0 errno=EACCES
# kernel-message: frame pointer is read only
# kernel-stats: processed=1 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: arithmetic on R10 itself writes it: the frame pointer is read only
r10 += -8
r0 = 0
exit
