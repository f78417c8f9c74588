# type: kprobe
# expect: reject pc=0
# kernel: reject pc=0 errno=EACCES
# kernel-message: invalid bpf_context access off=2 size=4
# kernel-stats: processed=1 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: context reads must be aligned to their size
r0 = *(u32 *)(r1 + 2)
r0 = 0
exit
