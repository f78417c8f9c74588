# type: xdp
# expect: reject pc=0
# kernel: reject pc=0 errno=EACCES
# kernel-message: invalid bpf_context access off=24 size=4
# kernel-stats: processed=1 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: offset 24 is past struct xdp_md
r0 = *(u32 *)(r1 + 24)
exit
