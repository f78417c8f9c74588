# type: xdp
# maps: hash key=4 value=32 entries=4
# expect: reject pc=11
# kernel: reject pc=11 errno=EACCES
# kernel-message: invalid access to map value, value_size=32 off=32 size=8
# kernel-message-2: R1 min value is outside of the allowed memory range
# kernel-stats: processed=35 total_states=2 peak_states=2 max_states_per_insn=1 stack_depth=8
# what: the fifth iteration reads offset 32 of a 32-byte value: loops are checked iteration by
#   iteration, so the error is found at the access
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r6 = 0
r7 = 0
loop:
r1 = r0
r1 += r6
r2 = *(u64 *)(r1 + 0)
r7 += r2
r6 += 8
if r6 <= 32 goto loop
out:
r0 = 2
exit
