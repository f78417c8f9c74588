# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=8 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8+16
# what: each frame has its own stack: stack depth 8+16 (caller 8, callee 16)
*(u64 *)(r10 - 8) = 1
call f
r0 = *(u64 *)(r10 - 8)
r0 = 2
exit
f:
*(u64 *)(r10 - 16) = 2
r0 = *(u64 *)(r10 - 16)
exit
