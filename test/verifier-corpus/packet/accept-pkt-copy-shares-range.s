# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=11 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: a copy of the packet pointer made before the check shares its id and gets the range too
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r6 = r2
r4 = r2
r4 += 8
r0 = 2
if r4 > r3 goto out
r0 = *(u32 *)(r6 + 4)
r0 = 2
out:
exit
