# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=8 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: bpf_trace_printk (6): format string on the stack, its size a constant
r1 = 0x0a6968
*(u64 *)(r10 - 8) = r1
r1 = r10
r1 += -8
r2 = 8
call 6
r0 = 2
exit
