# type: xdp
# maps: hash key=4 value=8 entries=16
# expect: reject pc=7
# kernel: reject pc=7 errno=EACCES
# kernel-message: R0 invalid mem access 'scalar'
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: the value is read on the branch where the lookup returned NULL
*(u32 *)(r10 - 4) = 1
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 != 0 goto out
r0 = *(u64 *)(r0 + 0)
out:
r0 = 2
exit
