# type: xdp
# expect: reject pc=14
# kernel: reject pc=14 errno=E2BIG
# kernel-message: the call stack of 9 frames is too deep
# kernel-stats: processed=8 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0+0+0+0+0+0+0+0+0
# what: main and eight nested calls: 9 frames, one too many
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
call f8
exit
f8:
r0 = 2
exit
