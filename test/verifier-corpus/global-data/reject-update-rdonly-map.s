# type: xdp
# maps: array key=4 value=8 entries=1 flags=128
# expect: reject
# kernel: reject pc=10 errno=EACCES
# kernel-message: write into map forbidden
# kernel-stats: processed=10 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=16
# what: bpf_map_update_elem into a map programs may only read
r1 = 0
*(u32 *)(r10 - 4) = r1
*(u64 *)(r10 - 16) = r1
r2 = r10
r2 += -4
r3 = r10
r3 += -16
r1 = map_fd(0) ll
r4 = 0
call 2
r0 = 2
exit
