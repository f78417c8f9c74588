# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: R10 may be read and copied; the copy is a stack pointer that may be moved
r2 = r10
r2 += -8
*(u64 *)(r2 + 0) = 1
r0 = *(u64 *)(r10 - 8)
exit
