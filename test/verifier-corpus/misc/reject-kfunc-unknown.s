# type: xdp
# expect: reject pc=0
# kernel: reject pc=? errno=EINVAL
# kernel-message: kernel btf_id 1 is not a function
# kernel-stats: processed=0 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a kfunc call (src=2) to a BTF id that is not a kernel function
call kfunc 1
r0 = 2
exit
