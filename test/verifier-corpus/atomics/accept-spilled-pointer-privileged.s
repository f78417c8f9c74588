# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: privileged: an atomic add onto a slot holding a spilled context pointer is accepted;
#   the slot then holds a scalar (a fill of it is no longer a pointer)
*(u64 *)(r10 - 8) = r1
r2 = 1
lock *(u64 *)(r10 - 8) += r2
r0 = 2
exit
