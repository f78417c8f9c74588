# type: xdp
# maps: ringbuf key=0 value=0 entries=4096
# expect: accept
# kernel: accept
# kernel-stats: processed=11 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: a reserved record may be discarded instead of submitted
r1 = map_fd(0) ll
r2 = 8
r3 = 0
call 131
if r0 == 0 goto out
r1 = r0
r2 = 0
call 133
out:
r0 = 2
exit
