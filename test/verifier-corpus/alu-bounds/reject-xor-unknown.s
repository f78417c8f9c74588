# type: xdp
# maps: hash key=4 value=64 entries=4
# expect: reject pc=12
# kernel: reject pc=12 errno=EACCES
# kernel-message: R0 unbounded memory access, make sure to bounds check any such access
# kernel-stats: processed=12 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: xor with an unknown 32-bit value loses the bound of the masked index
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r1 = *(u32 *)(r0 + 0)
r2 = *(u32 *)(r0 + 4)
r1 &= 63
r1 ^= r2
r0 += r1
r0 = *(u8 *)(r0 + 0)
out:
r0 = 2
exit
