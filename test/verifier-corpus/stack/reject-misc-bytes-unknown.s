# type: xdp
# maps: hash key=4 value=8 entries=4
# expect: reject pc=10
# kernel: reject pc=10 errno=EACCES
# kernel-message: R0 unbounded memory access, make sure to bounds check any such access
# kernel-stats: processed=10 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=16
# what: the same as accept-zero-bytes-known-zero.s but the immediate is 1: the bytes are only
#   STACK_MISC (initialized, value unknown), so the u32 read back is unknown and the map-value
#   access is out of bounds
*(u32 *)(r10 - 12) = 1
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
