# type: xdp
# maps: hash key=4 value=16 entries=16
# expect: accept
# kernel: accept
# kernel-stats: processed=12 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=8
# what: writes to the whole 16-byte value after the null check
*(u32 *)(r10 - 4) = 1
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 != 0 goto found
r0 = 2
exit
found:
*(u64 *)(r0 + 0) = 1
*(u64 *)(r0 + 8) = 2
r0 = 2
exit
