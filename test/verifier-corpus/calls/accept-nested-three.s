# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=10 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0+0+0+0
# what: main -> a -> b -> c, each returning to its caller
call a
exit
a:
call b
r0 += 1
exit
b:
call c
r0 += 1
exit
c:
r0 = 0
exit
