# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=3 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a 64-bit immediate load (two slots)
r0 = 0x123456789abcdef0 ll
r0 >>= 60
exit
