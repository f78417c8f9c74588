# type: xdp
# maps: stack key=0 value=16 entries=16
# expect: reject pc=4
# kernel: reject pc=4 errno=EINVAL
# kernel-message: invalid write to stack R2 off=-8 size=16
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: pop writes value_size (16) bytes: 8 bytes of stack at fp-8 are too few
r2 = r10
r2 += -8
r1 = map_fd(0) ll
call 88
r0 = 2
exit
