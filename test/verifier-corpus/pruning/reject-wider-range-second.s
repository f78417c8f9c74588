# type: xdp
# maps: hash key=4 value=32 entries=4
# expect: reject pc=14
# kernel: reject pc=14 errno=EACCES
# kernel-message: invalid access to map value, value_size=32 off=63 size=1
# kernel-message-2: R0 max value is outside of the allowed memory range
# kernel-stats: processed=18 total_states=2 peak_states=2 max_states_per_insn=0 stack_depth=8
# what: the first path reaches the join with x in 0..31 (safe); the second with 0..63, which is
#   not contained in the first and is walked: it overflows the 32-byte value
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r6 = *(u32 *)(r0 + 0)
r7 = *(u32 *)(r0 + 4)
if r6 & 1 goto +2
r7 &= 31
goto +1
r7 &= 63
r0 += r7
r0 = *(u8 *)(r0 + 0)
out:
r0 = 2
exit
