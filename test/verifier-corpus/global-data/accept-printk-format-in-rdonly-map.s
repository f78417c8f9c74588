# type: xdp
# maps: array key=4 value=8 entries=1 flags=128
# expect: accept
# kernel: accept
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a bpf_trace_printk format in a read-only map (as clang puts it in .rodata)
r1 = map_value(0, 0) ll
r2 = 4
call 6
r0 = 2
exit
