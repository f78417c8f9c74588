# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=10 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: the classic bounds check: data + 14 > data_end -> drop, else read the EtherType
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 14
r0 = 1
if r4 > r3 goto out
r0 = *(u16 *)(r2 + 12)
r0 = 2
out:
exit
