# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EACCES
# kernel-message: dereference of modified ctx ptr R1 off=4 disallowed
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: the context pointer may not be moved: access must use r1 + constant offset
r1 += 4
r0 = *(u32 *)(r1 + 0)
exit
