# type: xdp
# expect: reject pc=0
# kernel: reject pc=0 errno=EACCES
# kernel-message: invalid bpf_context access off=12 size=2
# kernel-stats: processed=1 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: XDP does not allow narrow loads: a u16 of ingress_ifindex
r0 = *(u16 *)(r1 + 12)
exit
