# type: xdp
# maps: lru_hash key=4 value=8 entries=16
# expect: accept
# kernel: accept
# kernel-stats: processed=19 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=16
# what: lookup and update in an LRU hash
r1 = 1
*(u32 *)(r10 - 4) = r1
r1 = 0
*(u64 *)(r10 - 16) = r1
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 != 0 goto out
r2 = r10
r2 += -4
r3 = r10
r3 += -16
r1 = map_fd(0) ll
r4 = 0
call 2
out:
r0 = 2
exit
