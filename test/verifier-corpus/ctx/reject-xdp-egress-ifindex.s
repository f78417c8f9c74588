# type: xdp
# expect: reject pc=0
# kernel: reject pc=0 errno=EACCES
# kernel-message: invalid bpf_context access off=20 size=4
# kernel-stats: processed=1 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: egress_ifindex (offset 20) exists only for XDP programs attached to a devmap
#   (expected_attach_type BPF_XDP_DEVMAP); a plain XDP program may not read it
r0 = *(u32 *)(r1 + 20)
exit
