# type: xdp
# maps: bloom_filter key=0 value=4 entries=16
# expect: accept
# kernel: accept
# kernel-stats: processed=13 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=8
# what: push into and peek at a bloom filter
r1 = 5
*(u32 *)(r10 - 4) = r1
r2 = r10
r2 += -4
r1 = map_fd(0) ll
r3 = 0
call 87
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 89
r0 = 2
exit
