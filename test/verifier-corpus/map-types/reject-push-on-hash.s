# type: xdp
# maps: hash key=4 value=8 entries=16
# expect: reject pc=7
# kernel: reject pc=7 errno=EINVAL
# kernel-message: cannot pass map_type 1 into func bpf_map_push_elem#87
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: bpf_map_push_elem is for queues, stacks and bloom filters
r1 = 5
*(u64 *)(r10 - 8) = r1
r2 = r10
r2 += -8
r1 = map_fd(0) ll
r3 = 0
call 87
r0 = 2
exit
