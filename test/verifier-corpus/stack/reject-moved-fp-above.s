# type: xdp
# expect: reject pc=2
# kernel: reject pc=2 errno=EACCES
# kernel-message: invalid write to stack R1 off=8 size=1
# kernel-stats: processed=3 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a stack pointer moved above r10 and then written through
r1 = r10
r1 += 8
*(u8 *)(r1 + 0) = 0
r0 = 0
exit
