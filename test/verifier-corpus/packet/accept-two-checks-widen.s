# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=15 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: a second, larger check widens the proven range for the same packet pointer
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 2
r0 = 2
if r4 > r3 goto out
r0 = *(u16 *)(r2 + 0)
r4 = r2
r4 += 20
if r4 > r3 goto out
r0 = *(u32 *)(r2 + 16)
r0 = 2
out:
exit
