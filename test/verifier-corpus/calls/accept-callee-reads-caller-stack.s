# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=8 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=8+0
# what: the caller passes a pointer to its own stack; the callee reads through it
r1 = 7
*(u64 *)(r10 - 8) = r1
r1 = r10
r1 += -8
call f
exit
f:
r0 = *(u64 *)(r1 + 0)
exit
