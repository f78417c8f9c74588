# type: xdp
# maps: hash key=4 value=8 entries=16
# expect: accept
# kernel: accept
# kernel-stats: processed=11 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=16
# what: bpf_map_update_elem (2) with key and value on the stack
*(u32 *)(r10 - 4) = 1
*(u64 *)(r10 - 16) = 99
r1 = map_fd(0) ll
r2 = r10
r2 += -4
r3 = r10
r3 += -16
r4 = 0
call 2
r0 = 2
exit
