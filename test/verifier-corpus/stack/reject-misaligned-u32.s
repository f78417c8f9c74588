# type: xdp
# expect: reject pc=0
# kernel: reject pc=0 errno=EACCES
# kernel-message: misaligned stack access off 0+0+-6 size 4
# kernel-stats: processed=1 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a u32 at r10 - 6 is not 4-byte aligned
*(u32 *)(r10 - 6) = 0
r0 = 0
exit
