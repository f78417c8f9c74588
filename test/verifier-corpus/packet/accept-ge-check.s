# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=10 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: a strict check: if data + 4 >= data_end goto out proves 5 bytes (r=5)
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 4
r0 = 2
if r4 >= r3 goto out
r0 = *(u8 *)(r2 + 4)
r0 = 2
out:
exit
