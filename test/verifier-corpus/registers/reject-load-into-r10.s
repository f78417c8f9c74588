# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EACCES
# kernel-message: frame pointer is read only
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: a load whose destination is R10
*(u64 *)(r10 - 8) = 0
r10 = *(u64 *)(r10 - 8)
r0 = 0
exit
