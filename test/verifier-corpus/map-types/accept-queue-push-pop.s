# type: xdp
# maps: queue key=0 value=8 entries=16
# expect: accept
# kernel: accept
# kernel-stats: processed=14 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=16
# what: push 8 bytes onto a queue, pop them into uninitialized stack
r1 = 5
*(u64 *)(r10 - 8) = r1
r2 = r10
r2 += -8
r1 = map_fd(0) ll
r3 = 0
call 87
r2 = r10
r2 += -16
r1 = map_fd(0) ll
call 88
r0 = *(u64 *)(r10 - 16)
r0 = 2
exit
