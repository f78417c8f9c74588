# type: xdp
# maps: devmap key=4 value=4 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: bpf_redirect_map into a devmap; the lower bits of the flags are the fallback action
r1 = map_fd(0) ll
r2 = 0
r3 = 2
call 51
exit
