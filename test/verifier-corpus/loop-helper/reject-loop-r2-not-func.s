# type: xdp
# expect: reject pc=4
# kernel: reject pc=4 errno=EACCES
# kernel-message: R2 type=scalar expected=func
# kernel-stats: processed=5 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: bpf_loop needs a callback in R2
r1 = 4
r2 = 0
r3 = 0
r4 = 0
call 181
r0 = 2
exit
