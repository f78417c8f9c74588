# type: xdp
# maps: array key=4 value=8 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=3 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a privileged program may read through a map pointer (CONST_PTR_TO_MAP): the kernel
#   checks it as a read of struct bpf_map (kernel BTF); an unprivileged one may not
r1 = map_fd(0) ll
r0 = *(u64 *)(r1 + 0)
exit
