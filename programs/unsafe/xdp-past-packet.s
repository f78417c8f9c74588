# type: xdp
# what: an XDP program that reads 8 bytes past the end of the packet without comparing against
#   data_end. Driver mode: the read succeeds and returns bytes of the skb_shared_info that follows
#   the packet data (a leak). Sandbox: the verifier rejects the access (invalid access to packet).
r2 = *(u32 *)(r1 + 0)
r0 = *(u64 *)(r2 + 64)
r0 = 2
exit
