# type: kprobe
# expect: reject pc=0
# kernel: reject pc=0 errno=EACCES
# kernel-message: invalid bpf_context access off=168 size=8
# kernel-stats: processed=1 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: pt_regs is 168 bytes
r0 = *(u64 *)(r1 + 168)
r0 = 0
exit
