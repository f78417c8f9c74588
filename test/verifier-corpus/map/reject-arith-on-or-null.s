# type: xdp
# maps: hash key=4 value=8 entries=16
# expect: reject pc=6
# kernel: reject pc=6 errno=EACCES
# kernel-message: R0 pointer arithmetic on map_value_or_null prohibited, null-check it first
# kernel-stats: processed=6 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: arithmetic on the lookup result before the null check
*(u32 *)(r10 - 4) = 1
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
r0 += 4
if r0 == 0 goto out
out:
r0 = 2
exit
