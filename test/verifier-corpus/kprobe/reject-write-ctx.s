# type: kprobe
# expect: reject pc=1
# kernel: reject pc=1 errno=EACCES
# kernel-message: invalid bpf_context access off=0 size=8
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: pt_regs is read-only for kprobes
r2 = 1
*(u64 *)(r1 + 0) = r2
r0 = 0
exit
