# type: xdp
# maps: queue key=0 value=8 entries=16
# expect: reject
# kernel: reject pc=6 errno=EACCES
# kernel-message: invalid zero-sized read
# kernel-stats: processed=6 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: a queue has no keys: bpf_map_lookup_elem does not work on it
r1 = 0
*(u64 *)(r10 - 8) = r1
r2 = r10
r2 += -8
r1 = map_fd(0) ll
call 1
r0 = 2
exit
