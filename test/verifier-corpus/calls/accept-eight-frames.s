# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=16 total_states=2 peak_states=2 max_states_per_insn=0 stack_depth=0+0+0+0+0+0+0+0
# what: main and seven nested calls: 8 frames, the maximum
call f1
exit
f1:
call f2
exit
f2:
call f3
exit
f3:
call f4
exit
f4:
call f5
exit
f5:
call f6
exit
f6:
call f7
exit
f7:
r0 = 2
exit
