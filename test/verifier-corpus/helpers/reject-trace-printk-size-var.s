# type: xdp
# expect: reject pc=7
# kernel: reject pc=7 errno=EACCES
# kernel-message: R2 min value is negative, either use unsigned or 'var &= const'
# kernel-stats: processed=8 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: bpf_trace_printk's format size (ARG_CONST_SIZE) is an unbounded register
r1 = 0x0a6968
*(u64 *)(r10 - 8) = r1
call 5
r2 = r0
r1 = r10
r1 += -8
r2 += 0
call 6
r0 = 2
exit
