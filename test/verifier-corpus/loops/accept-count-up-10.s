# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=34 total_states=2 peak_states=2 max_states_per_insn=1 stack_depth=0
# what: a bounded loop: i = 0..9; the verifier walks every iteration (the counter is precise)
r0 = 0
r1 = 0
loop:
r0 += r1
r1 += 1
if r1 < 10 goto loop
r0 = 2
exit
