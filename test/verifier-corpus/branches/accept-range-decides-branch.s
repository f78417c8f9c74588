# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: x & 7 is never > 7: the branch to the bad read is known not taken
r2 = *(u32 *)(r1 + 16)
r2 &= 7
if r2 > 7 goto bad
r0 = 2
exit
bad:
r0 = *(u32 *)(r1 + 64)
exit
