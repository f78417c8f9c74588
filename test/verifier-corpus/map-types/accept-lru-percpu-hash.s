# type: xdp
# maps: lru_percpu_hash key=4 value=8 entries=16
# expect: accept
# kernel: accept
# kernel-stats: processed=11 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=8
# what: lookup in a per-CPU LRU hash
r1 = 1
*(u32 *)(r10 - 4) = r1
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r1 = *(u64 *)(r0 + 0)
out:
r0 = 2
exit
