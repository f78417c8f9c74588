# type: xdp
# maps: array key=4 value=8 entries=4
# expect: reject pc=6
# kernel: reject pc=6 errno=EACCES
# kernel-message: R0 invalid mem access 'map_value_or_null'
# kernel-stats: processed=6 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: kernel quirk: the constant key 3 stored with an immediate at r10 - 4 (not an 8-aligned
#   slot) is recorded as plain initialized bytes, not as a constant, so the lookup result is
#   map_value_or_null although key 3 is inside the array
*(u32 *)(r10 - 4) = 3
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
r0 = *(u64 *)(r0 + 0)
r0 = 2
exit
