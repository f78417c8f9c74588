# type: xdp
# maps: hash key=4 value=32 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=12 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=8
# what: a map value pointer moved by constants (8 then 16), access at offset 24
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r0 += 8
r0 += 16
r0 = *(u64 *)(r0 + 0)
out:
r0 = 2
exit
