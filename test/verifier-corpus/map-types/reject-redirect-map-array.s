# type: xdp
# maps: array key=4 value=4 entries=4
# expect: reject pc=4
# kernel: reject pc=4 errno=EINVAL
# kernel-message: cannot pass map_type 2 into func bpf_redirect_map#51
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: bpf_redirect_map needs a devmap, cpumap or xskmap
r1 = map_fd(0) ll
r2 = 0
r3 = 0
call 51
exit
