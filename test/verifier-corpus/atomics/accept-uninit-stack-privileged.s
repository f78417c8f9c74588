# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: privileged: an atomic add to a stack slot never written (it is read first, which root
#   may do with uninitialized stack)
r1 = 1
lock *(u64 *)(r10 - 8) += r1
r0 = 2
exit
