# type: socket_filter
# expect: reject pc=1
# kernel: reject pc=1 errno=EACCES
# kernel-message: invalid bpf_context access off=8 size=4
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a socket filter may write only cb[]; mark (offset 8) is read only
r2 = 1
*(u32 *)(r1 + 8) = r2
r0 = 0
exit
