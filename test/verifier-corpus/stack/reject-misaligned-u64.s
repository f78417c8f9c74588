# type: xdp
# expect: reject pc=0
# kernel: reject pc=0 errno=EACCES
# kernel-message: misaligned stack access off 0+0+-12 size 8
# kernel-stats: processed=1 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: stack accesses are always checked for alignment: a u64 at r10 - 12
*(u64 *)(r10 - 12) = 0
r0 = 0
exit
