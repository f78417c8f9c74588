# type: raw
# mem-size: 64
# what: reads 8 bytes just past the end of the 64-byte input buffer.
#   driver mode: the read succeeds and returns the next pool allocation's header (a leak);
#   sandbox: the verifier rejects it (r1 is memory of 64 bytes, off=64 is outside).
r0 = *(u64 *)(r1 + 64)
exit
