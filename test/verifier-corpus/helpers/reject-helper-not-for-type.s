# type: socket_filter
# expect: reject pc=1
# kernel: reject pc=1 errno=EINVAL
# kernel-message: program of this type cannot use helper bpf_xdp_adjust_head#44
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: bpf_xdp_adjust_head (44) is an XDP helper: a socket filter may not call it
r2 = 4
call 44
r0 = 0
exit
