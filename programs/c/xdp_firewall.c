// SPDX-License-Identifier: MIT
// xdp_firewall: drop IPv4 packets whose source address is in the `blocked` hash map, and count
// how many packets each blocked address sent. Everything else passes.
//
// What it teaches: parsing Ethernet and IPv4 headers with the bounds checks the verifier insists
// on (every read of the packet must be proven to lie before data_end), a BTF-defined hash map,
// and updating a map value in place through the pointer bpf_map_lookup_elem returns.

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);   /* IPv4 source address, network byte order */
	__type(value, __u64); /* packets dropped from it */
} blocked SEC(".maps");

SEC("xdp")
int xdp_firewall(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return XDP_PASS; /* too short to be Ethernet: not ours to judge */
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;

	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_PASS;

	__u32 saddr = ip->saddr;
	__u64 *hits = bpf_map_lookup_elem(&blocked, &saddr);
	if (!hits)
		return XDP_PASS;
	/* Several CPUs may drop packets from the same source at once: add atomically. */
	__sync_fetch_and_add(hits, 1);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
