# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=10 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: subtracting a constant from a packet pointer after the check (a negative pointer
#   offset back to the start)
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r2 += 8
r0 = 2
if r2 > r3 goto out
r2 -= 8
r0 = *(u64 *)(r2 + 0)
r0 = 2
out:
exit
