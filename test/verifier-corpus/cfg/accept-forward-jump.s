# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=6 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a conditional forward jump over one instruction; both paths reach the exit
r0 = 2
r2 = *(u32 *)(r1 + 16)
if r2 != 0 goto +1
r0 = 1
exit
