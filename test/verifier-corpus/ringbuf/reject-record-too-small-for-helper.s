# type: xdp
# maps: ringbuf key=0 value=0 entries=4096
# expect: reject
# kernel: reject pc=12 errno=EACCES
# kernel-message: invalid access to memory, mem_size=8 off=0 size=16
# kernel-message-2: R3 min value is outside of the allowed memory range
# kernel-stats: processed=12 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: bpf_xdp_load_bytes of 16 bytes into an 8-byte record
r6 = r1
r1 = map_fd(0) ll
r2 = 8
r3 = 0
call 131
if r0 == 0 goto out
r7 = r0
r1 = r6
r2 = 0
r3 = r7
r4 = 16
call 189
r1 = r7
r2 = 0
call 132
out:
r0 = 2
exit
