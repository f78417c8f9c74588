# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EACCES
# kernel-message: invalid bpf_context access off=16 size=4
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: an XDP program may not write its context
r2 = 0
*(u32 *)(r1 + 16) = r2
r0 = 0
exit
