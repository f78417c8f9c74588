# type: socket_filter
# expect: accept
# kernel: accept
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: socket filter return values are not range-checked either: -1 keeps the whole packet
r0 = -1
exit
