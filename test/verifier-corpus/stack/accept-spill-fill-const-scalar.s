# type: xdp
# maps: array key=4 value=16 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=14 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=16
# what: a constant spilled to the stack stays a known constant when filled, so it bounds a
#   map-value access
r1 = map_fd(0) ll
*(u32 *)(r10 - 4) = 1
r2 = r10
r2 += -4
call 1
if r0 == 0 goto out
r6 = 12
*(u64 *)(r10 - 16) = r6
r6 = *(u64 *)(r10 - 16)
r0 += r6
r0 = *(u32 *)(r0 + 0)
out:
r0 = 0
exit
