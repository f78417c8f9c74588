# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=11 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=8
# what: a packet pointer spilled after its bounds check keeps its proven range when filled
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 14
r0 = 2
if r4 > r3 goto out
*(u64 *)(r10 - 8) = r2
r5 = *(u64 *)(r10 - 8)
r0 = *(u8 *)(r5 + 13)
out:
exit
