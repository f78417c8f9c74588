# type: xdp
# maps: hash key=4 value=64 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=18 total_states=2 peak_states=2 max_states_per_insn=0 stack_depth=8
# what: a signed 64-bit value needs both checks: s> 63 and s< 0
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r1 = *(u64 *)(r0 + 0)
if r1 s> 63 goto out
if r1 s< 0 goto out
r0 += r1
r0 = *(u8 *)(r0 + 0)
out:
r0 = 2
exit
