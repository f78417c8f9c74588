# type: xdp
# maps: hash key=4 value=8 entries=16
# expect: accept
# kernel: accept
# kernel-stats: processed=6 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: a privileged loader may pass a key on stack it never wrote (an unprivileged one is
#   refused)
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
r0 = 2
exit
