# type: xdp
# expect: reject pc=0
# kernel: reject pc=0 errno=EACCES
# kernel-message: invalid read from stack R10 off=0 size=4
# kernel-stats: processed=1 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a read at r10 + 0 (the frame is below r10)
r0 = *(u32 *)(r10 + 0)
exit
