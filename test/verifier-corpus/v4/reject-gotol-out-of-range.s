# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EINVAL
# kernel-message: jump out of range from insn 1 to 100002
# kernel-stats: processed=0 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a gotol (32-bit offset jump) past the end of the program
r0 = 2
gotol +100000
exit
