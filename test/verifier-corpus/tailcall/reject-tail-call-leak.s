# type: xdp
# maps: ringbuf key=0 value=0 entries=4096; prog_array key=4 value=4 entries=4
# expect: reject
# kernel: reject pc=12 errno=EINVAL
# kernel-message: Unreleased reference id=2 alloc_insn=5
# kernel-message-2: tail_call would lead to reference leak
# kernel-stats: processed=11 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a tail call with a reserved record still held would leak it
r6 = r1
r1 = map_fd(0) ll
r2 = 8
r3 = 0
call 131
if r0 == 0 goto out
r7 = r0
r1 = r6
r2 = map_fd(1) ll
r3 = 0
call 12
r1 = r7
r2 = 0
call 132
out:
r0 = 2
exit
