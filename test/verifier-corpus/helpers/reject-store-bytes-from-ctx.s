# type: xdp
# expect: reject pc=3
# kernel: reject pc=3 errno=EACCES
# kernel-message: R3 type=ctx expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: bpf_xdp_store_bytes's buffer must be memory (stack, map value...), not the context
r2 = 0
r3 = r1
r4 = 4
call 190
r0 = 2
exit
