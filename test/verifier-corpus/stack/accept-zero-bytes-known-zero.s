# type: xdp
# maps: hash key=4 value=8 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=13 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=16
# what: an immediate 0 stored at r10 - 12 (not an 8-aligned slot, so not a spill) marks those
#   bytes STACK_ZERO; the u32 read back is the known constant 0, a valid map-value offset
*(u32 *)(r10 - 12) = 0
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r1 = *(u32 *)(r10 - 12)
r0 += r1
r0 = *(u64 *)(r0 + 0)
out:
r0 = 2
exit
