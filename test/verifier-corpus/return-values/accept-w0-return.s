# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=3 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a 32-bit write of R0 (upper half zero) before exit
r0 = 0x100000002 ll
w0 = w0
exit
