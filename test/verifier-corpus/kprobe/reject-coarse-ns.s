# type: kprobe
# expect: reject pc=0
# kernel: reject pc=0 errno=EINVAL
# kernel-message: program of this type cannot use helper bpf_ktime_get_coarse_ns#160
# kernel-stats: processed=1 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: tracing programs do not get bpf_ktime_get_coarse_ns
call 160
r0 = 0
exit
