# type: xdp
# expect: reject pc=4
# kernel: reject pc=4 errno=EACCES
# kernel-message: R1 type=scalar expected=map_ptr
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: bpf_map_lookup_elem with a scalar in R1 instead of a map
*(u32 *)(r10 - 4) = 1
r2 = r10
r2 += -4
r1 = 0
call 1
r0 = 2
exit
