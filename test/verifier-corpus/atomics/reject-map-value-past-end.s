# type: xdp
# maps: hash key=4 value=8 entries=4
# expect: reject pc=8
# kernel: reject pc=8 errno=EACCES
# kernel-message: invalid access to map value, value_size=8 off=8 size=8
# kernel-message-2: R0 min value is outside of the allowed memory range
# kernel-stats: processed=8 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: an atomic add at offset 8 of an 8-byte value
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r1 = 1
lock *(u64 *)(r0 + 8) += r1
out:
r0 = 2
exit
