# type: socket_filter
# expect: reject pc=0
# kernel: reject pc=0 errno=EACCES
# kernel-message: invalid bpf_context access off=76 size=4
# kernel-stats: processed=1 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: socket filters have no direct packet access: __sk_buff data (offset 76) is refused
r0 = *(u32 *)(r1 + 76)
exit
