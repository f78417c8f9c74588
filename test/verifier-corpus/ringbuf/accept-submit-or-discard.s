# type: xdp
# maps: ringbuf key=0 value=0 entries=4096
# expect: accept
# kernel: accept
# kernel-stats: processed=18 total_states=2 peak_states=2 max_states_per_insn=0 stack_depth=0
# what: one path submits the record, the other discards it: both release it
r1 = map_fd(0) ll
r2 = 8
r3 = 0
call 131
if r0 == 0 goto out
r6 = r0
call 7
r1 = r6
r2 = 0
if r0 > 100 goto drop
call 132
goto out
drop:
call 133
out:
r0 = 2
exit
