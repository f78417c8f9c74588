# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=6 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: division by a register is allowed even if it may be zero (BPF defines x / 0 = 0)
r2 = *(u32 *)(r1 + 16)
r0 = 100
r0 /= r2
r0 %= r2
r0 = 2
exit
