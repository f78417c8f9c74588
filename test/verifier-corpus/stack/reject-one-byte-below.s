# type: xdp
# expect: reject pc=0
# kernel: reject pc=0 errno=EACCES
# kernel-message: invalid write to stack R10 off=-513 size=1
# kernel-stats: processed=1 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: r10 - 513 is one byte below the frame
*(u8 *)(r10 - 513) = 0
r0 = 0
exit
