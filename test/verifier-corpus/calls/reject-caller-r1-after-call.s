# type: xdp
# expect: reject pc=2
# kernel: reject pc=2 errno=EACCES
# kernel-message: R1 !read_ok
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0+0
# what: R1-R5 of the caller are clobbered by a bpf-to-bpf call too
r1 = 1
call f
r0 = r1
exit
f:
r0 = 0
exit
