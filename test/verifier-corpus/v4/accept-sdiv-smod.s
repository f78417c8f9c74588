# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: signed division and modulo by a register (which may be zero) and by a non-zero immediate
r2 = *(u32 *)(r1 + 16)
r0 = -100
r0 s/= r2
r0 s%= r2
r0 s/= -3
w0 s%= 7
exit
