# type: kprobe
# expect: accept
# kernel: accept
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a kprobe may return any scalar
r0 = -5
exit
