# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=13 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: XDP may write the packet within the proven range (swap of two bytes)
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 12
r0 = 2
if r4 > r3 goto out
r5 = *(u8 *)(r2 + 0)
r6 = *(u8 *)(r2 + 6)
*(u8 *)(r2 + 0) = r6
*(u8 *)(r2 + 6) = r5
*(u32 *)(r2 + 8) = 0
out:
exit
