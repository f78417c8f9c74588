# XDP program: drop IPv4 packets, pass everything else.
#
# r1 points to the context, struct xdp_md: data (offset 0) and data_end (offset 4) are the
# packet's first byte and the byte just past its end. The verifier only lets the program read
# the packet after it has proven, with a comparison against data_end, that the bytes are there.
# The EtherType is bytes 12-13 of the Ethernet header, in network byte order: a 16-bit load on a
# little-endian machine reads IPv4's 08 00 as 0x0008.
#
#   npx bpfbox run programs/examples/xdp-drop-ipv4.s --type xdp --packet-hex "ffffffffffff 000000000001 0800 4500"
#   r0 = 1 (0x1) XDP_DROP                    (86dd, IPv6, instead of 0800: r0 = 2 (0x2) XDP_PASS)
#
# Returns XDP_DROP (1) for IPv4, XDP_PASS (2) otherwise, and XDP_ABORTED (0) for a packet too
# short to hold an Ethernet header (the kernel's test run never passes one).

    r2 = *(u32 *)(r1 + 0)          # data
    r3 = *(u32 *)(r1 + 4)          # data_end
    r0 = 0                         # XDP_ABORTED
    r4 = r2
    r4 += 14                       # end of the Ethernet header
    if r4 > r3 goto out            # fewer than 14 bytes: not an Ethernet frame
    r0 = 2                         # XDP_PASS
    r5 = *(u16 *)(r2 + 12)         # EtherType, network byte order
    if r5 != 0x0008 goto out       # htons(ETH_P_IP)
    r0 = 1                         # XDP_DROP
out:
    exit
