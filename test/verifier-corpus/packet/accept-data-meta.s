# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=10 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: metadata in front of the packet: data_meta + 4 <= data proves 4 readable meta bytes
r2 = *(u32 *)(r1 + 8)
r3 = *(u32 *)(r1 + 0)
r4 = r2
r4 += 4
r0 = 2
if r4 > r3 goto out
r0 = *(u32 *)(r2 + 0)
r0 = 2
out:
exit
