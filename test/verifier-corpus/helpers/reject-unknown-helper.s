# type: xdp
# expect: reject pc=0
# kernel: reject pc=0 errno=EINVAL
# kernel-message: invalid func unknown#99999
# kernel-stats: processed=1 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: helper 99999 does not exist
call 99999
r0 = 2
exit
