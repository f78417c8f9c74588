# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=17 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: a bounded variable offset (0..15) then its own check against data_end
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 1
r0 = 2
if r4 > r3 goto out
r5 = *(u8 *)(r2 + 0)
r5 &= 15
r2 += r5
r6 = r2
r6 += 2
if r6 > r3 goto out
r0 = *(u16 *)(r2 + 0)
r0 = 2
out:
exit
