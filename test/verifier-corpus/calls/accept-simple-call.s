# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0+0
# what: a bpf-to-bpf call: the callee sets R0, the caller returns it
call f
exit
f:
r0 = 2
exit
