# type: kprobe
# expect: accept
# kernel: accept
# kernel-stats: processed=9 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: bpf_trace_printk with a format on the stack
r3 = *(u64 *)(r1 + 112)
r1 = 0x0a7825
*(u64 *)(r10 - 8) = r1
r1 = r10
r1 += -8
r2 = 4
call 6
r0 = 0
exit
