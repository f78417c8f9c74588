# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0+0
# what: the context pointer passed in R1 is still a context pointer in the callee
call f
exit
f:
r0 = *(u32 *)(r1 + 16)
exit
