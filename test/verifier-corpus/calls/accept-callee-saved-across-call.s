# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0+0
# what: R6-R9 of the caller survive a bpf-to-bpf call even if the callee writes its own R6
r6 = 40
call f
r0 += r6
exit
f:
r6 = 1
r0 = r6
exit
