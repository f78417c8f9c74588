# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EACCES
# kernel-message: BPF_ATOMIC stores into R1 ctx is not allowed
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: atomic operations on the context are not allowed
r2 = 1
lock *(u32 *)(r1 + 16) += w2
r0 = 2
exit
