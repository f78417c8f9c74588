# type: xdp
# expect: reject pc=0
# kernel: reject pc=0 errno=EACCES
# kernel-message: invalid bpf_context access off=0 size=8
# kernel-stats: processed=1 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: xdp_md fields are u32; an 8-byte load of data is refused
r0 = *(u64 *)(r1 + 0)
exit
