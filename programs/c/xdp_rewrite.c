// SPDX-License-Identifier: MIT
// xdp_rewrite: rewrites packets in place. A VLAN tag (802.1Q) is removed by moving the start of
// the packet with bpf_xdp_adjust_head; an ICMP echo request (ping) is turned into its echo reply
// and sent back out of the interface it came in on (XDP_TX): Ethernet and IPv4 addresses swapped,
// the ICMP type changed and its checksum updated with bpf_csum_diff. Other packets pass.
// Replies are counted in the `replies` array.
//
// What it teaches: writing to the packet, growing or shrinking it at the front (after
// bpf_xdp_adjust_head every packet pointer is invalid and must be derived and checked again),
// incremental checksum updates (RFC 1624) instead of summing the whole message again, and XDP_TX.

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define VLAN_HLEN 4

/* The start of an ICMP echo message (<linux/icmp.h> would pull in the C library's headers). */
struct icmp_echo {
	__u8 type;
	__u8 code;
	__sum16 checksum;
	__be16 id;
	__be16 sequence;
};
#define ICMP_ECHOREPLY 0
#define ICMP_ECHO 8

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} replies SEC(".maps");

/* Removes an 802.1Q tag: the two MAC addresses move 4 bytes forward, over the tag, and the
 * packet then starts 4 bytes later. Returns 0, or -1 when the packet cannot be changed. */
static __always_inline int pop_vlan(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) + VLAN_HLEN > data_end)
		return -1;
	__u8 macs[ETH_ALEN * 2];
	__builtin_memcpy(macs, eth, sizeof(macs));
	if (bpf_xdp_adjust_head(ctx, VLAN_HLEN))
		return -1;
	/* The old pointers are gone: start again from the context. */
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + sizeof(macs) > data_end)
		return -1;
	__builtin_memcpy(data, macs, sizeof(macs));
	return 0;
}

static __always_inline __u16 fold(__u64 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

SEC("xdp")
int xdp_rewrite(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;

	if (eth->h_proto == bpf_htons(ETH_P_8021Q)) {
		if (pop_vlan(ctx))
			return XDP_ABORTED;
		data = (void *)(long)ctx->data;
		data_end = (void *)(long)ctx->data_end;
		eth = data;
		if ((void *)(eth + 1) > data_end)
			return XDP_ABORTED;
	}
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->ihl != 5 || ip->protocol != IPPROTO_ICMP)
		return XDP_PASS;
	struct icmp_echo *icmp = (void *)(ip + 1);
	if ((void *)(icmp + 1) > data_end || icmp->type != ICMP_ECHO || icmp->code != 0)
		return XDP_PASS;

	/* Echo request -> echo reply: only the type changes (8 -> 0). The checksum covers the
	 * first 4 bytes as two 16-bit words; bpf_csum_diff adds the new word and the old one's
	 * complement to the old sum (RFC 1624: HC' = ~(~HC + ~m + m')). */
	__u32 old_word = *(__u32 *)icmp & bpf_htonl(0xffff0000); /* type and code, checksum left out */
	icmp->type = ICMP_ECHOREPLY;
	__u32 new_word = *(__u32 *)icmp & bpf_htonl(0xffff0000);
	__s64 sum = bpf_csum_diff(&old_word, sizeof(old_word), &new_word, sizeof(new_word),
				  (__u16)~icmp->checksum);
	if (sum < 0)
		return XDP_ABORTED;
	icmp->checksum = ~fold(sum);

	/* Back to the sender: swap the addresses (the IPv4 checksum does not change). */
	__u32 saddr = ip->saddr;
	ip->saddr = ip->daddr;
	ip->daddr = saddr;
	__u8 mac[ETH_ALEN];
	__builtin_memcpy(mac, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, mac, ETH_ALEN);

	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&replies, &zero);
	if (n)
		__sync_fetch_and_add(n, 1);
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
