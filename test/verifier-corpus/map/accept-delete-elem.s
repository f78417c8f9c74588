# type: xdp
# maps: hash key=8 value=8 entries=16
# expect: accept
# kernel: accept
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: bpf_map_delete_elem (3) with an 8-byte key
*(u64 *)(r10 - 8) = 5
r1 = map_fd(0) ll
r2 = r10
r2 += -8
call 3
r0 = 2
exit
