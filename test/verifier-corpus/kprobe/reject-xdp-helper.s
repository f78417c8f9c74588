# type: kprobe
# expect: reject pc=1
# kernel: reject pc=1 errno=EINVAL
# kernel-message: program of this type cannot use helper bpf_xdp_adjust_head#44
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: XDP helpers are not for kprobes
r2 = 0
call 44
r0 = 0
exit
