# type: xdp
# expect: reject pc=2
# kernel: reject pc=2 errno=EACCES
# kernel-message: misaligned stack access off 0+0+-12 size 8
# kernel-stats: processed=3 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=16
# what: a 64-bit atomic at r10 - 12 is misaligned
*(u64 *)(r10 - 16) = 0
r1 = 1
lock *(u64 *)(r10 - 12) += r1
r0 = 2
exit
