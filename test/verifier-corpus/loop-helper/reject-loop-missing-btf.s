# type: xdp
# expect: reject pc=2
# kernel: reject pc=2 errno=EINVAL
# kernel-message: missing btf func_info
# kernel-stats: processed=3 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0+0
# what: callbacks need BTF function information, which assembly does not carry: the kernel
#   rejects the callback address
r1 = 4
r3 = 0
r2 = func(cb) ll
r4 = 0
call 181
r0 = 2
exit
cb:
r0 = 0
exit
