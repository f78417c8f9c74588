# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=6 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: two exit instructions, one per branch; the last instruction is an exit
r2 = *(u32 *)(r1 + 16)
if r2 > 3 goto drop
r0 = 2
exit
drop:
r0 = 1
exit
