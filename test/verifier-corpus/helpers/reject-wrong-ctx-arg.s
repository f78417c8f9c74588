# type: xdp
# expect: reject pc=2
# kernel: reject pc=2 errno=EACCES
# kernel-message: R1 type=fp expected=ctx
# kernel-stats: processed=3 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: bpf_xdp_adjust_head's first argument must be the context, not a stack pointer
r1 = r10
r2 = 4
call 44
r0 = 2
exit
