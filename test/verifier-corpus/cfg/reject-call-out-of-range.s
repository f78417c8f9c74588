# type: xdp
# expect: reject pc=0
# kernel: reject pc=? errno=EINVAL
# kernel-message: call to invalid destination
# kernel-stats: processed=0 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a bpf-to-bpf call whose target is outside the program
call +10
r0 = 0
exit
