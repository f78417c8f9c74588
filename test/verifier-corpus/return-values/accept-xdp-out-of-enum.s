# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: Linux 6.18 does not range-check XDP return codes at load time: 1000 is accepted (an
#   unknown action is treated as an error at run time)
r0 = 1000
exit
