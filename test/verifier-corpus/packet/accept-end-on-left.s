# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=10 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: the check written with data_end on the left: if data_end < data + 8 goto out
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 8
r0 = 2
if r3 < r4 goto out
r0 = *(u64 *)(r2 + 0)
r0 = 2
out:
exit
