// SPDX-License-Identifier: MIT
// sock_filter: a socket filter that keeps only UDP datagrams to port 53 (DNS queries) and
// drops everything else. A socket filter returns how many bytes of the packet to keep: 0
// drops it, skb->len keeps all of it.
//
// What it teaches: the classic packet-access instructions LD_ABS / LD_IND (socket filters may
// not read packet memory directly; these load bytes at an offset from the network header,
// convert them from network byte order, and end the program with 0 when the offset is out of
// the packet), and the __sk_buff context.

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* LLVM's intrinsics for LD_ABS / LD_IND (the offset is constant for LD_ABS, a register for
 * LD_IND). The loaded value is already in host byte order. */
unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");

#define DNS_PORT 53

SEC("socket")
int sock_filter(struct __sk_buff *skb)
{
	/* The socket sees the packet from the network header on: offset 0 is the IPv4 header. */
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 0;
	if (load_byte(skb, offsetof(struct iphdr, protocol)) != IPPROTO_UDP)
		return 0;
	/* Fragments after the first carry no UDP header. */
	if (load_half(skb, offsetof(struct iphdr, frag_off)) & 0x1fff)
		return 0;
	__u32 ihl_bytes = (load_byte(skb, 0) & 0x0f) * 4;
	/* The UDP destination port is 2 bytes into the UDP header. */
	if (load_half(skb, ihl_bytes + 2) != DNS_PORT)
		return 0;
	return skb->len;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
