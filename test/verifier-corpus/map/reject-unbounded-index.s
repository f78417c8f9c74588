# type: xdp
# maps: hash key=4 value=64 entries=16
# expect: reject pc=9
# kernel: reject pc=9 errno=EACCES
# kernel-message: R0 unbounded memory access, make sure to bounds check any such access
# kernel-stats: processed=9 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: a map value indexed by an unchecked 32-bit value read from it
*(u32 *)(r10 - 4) = 1
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r1 = *(u32 *)(r0 + 0)
r0 += r1
r0 = *(u8 *)(r0 + 0)
out:
r0 = 2
exit
