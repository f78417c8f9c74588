# type: xdp
# maps: hash key=4 value=8 entries=16
# expect: accept
# kernel: accept
# kernel-stats: processed=10 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=8
# what: a hash lookup, a null check, then a read of the value
*(u32 *)(r10 - 4) = 1
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r0 = *(u64 *)(r0 + 0)
out:
r0 = 2
exit
