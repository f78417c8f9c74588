# type: xdp
# maps: bloom_filter key=0 value=4 entries=16
# expect: reject
# kernel: reject pc=4 errno=EINVAL
# kernel-message: cannot pass map_type 30 into func bpf_map_pop_elem#88
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: bloom filters cannot be popped
r2 = r10
r2 += -8
r1 = map_fd(0) ll
call 88
r0 = 2
exit
