// SPDX-License-Identifier: MIT
// syn_flood_guard: count TCP SYNs (SYN set, ACK clear) per IPv4 source in an LRU hash; once a
// source has sent more than SYN_LIMIT of them, drop its further SYNs. Other packets pass.
//
// What it teaches: a real bounded loop (IPv4 options are walked one by one, at most 40 bytes of
// them, and the compiler is told not to unroll it, so the verifier has to follow the loop), LRU
// hash maps (old sources are evicted instead of the map filling up), and BPF_NOEXIST inserts.

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define SYN_LIMIT 3
#define MAX_IP_OPTIONS 40 /* a 15-word IPv4 header holds 40 bytes of options */

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);   /* IPv4 source address, network byte order */
	__type(value, __u64); /* SYNs seen from it */
} syn_count SEC(".maps");

SEC("xdp")
int syn_flood_guard(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->protocol != IPPROTO_TCP || ip->ihl < 5)
		return XDP_PASS;

	/* Walk the options instead of jumping over ihl * 4 bytes: each option is one byte (EOL = 0,
	 * NOP = 1) or a type, a length and data. Every step moves forward by at least one byte and
	 * pos never exceeds 40, so the loop ends after at most 40 steps. */
	__u8 *opt = (__u8 *)(ip + 1);
	__u64 opt_len = (ip->ihl - 5) * 4;
	/* 64-bit on purpose: the compiler compares a 32-bit variable through zero-extended copies,
	 * and bounds the verifier learns on a copy do not flow back to the variable. */
	__u64 pos = 0;
#pragma clang loop unroll(disable)
	while (pos < opt_len) {
		/* pos < opt_len <= 40 already, but the verifier does not relate two variables: a
		 * constant bound keeps the packet offset in range. The compiler knows the bound holds
		 * and would drop the check: barrier_var hides what it knows. */
		barrier_var(pos);
		if (pos >= MAX_IP_OPTIONS)
			return XDP_PASS;
		__u8 *p = opt + pos;
		if ((void *)(p + 2) > data_end)
			return XDP_PASS; /* options run past the packet */
		if (p[0] <= 1) {
			pos += 1;
		} else {
			if (p[1] < 2)
				return XDP_PASS; /* malformed option length */
			pos += p[1];
			/* Clamping here keeps the states the verifier meets at the loop head few:
			 * [k, 40] ranges, which contain one another. */
			if (pos > MAX_IP_OPTIONS)
				return XDP_PASS;
		}
	}
	if (pos != opt_len)
		return XDP_PASS; /* the last option ran past the header */

	struct tcphdr *tcp = (void *)(opt + opt_len);
	if ((void *)(tcp + 1) > data_end)
		return XDP_PASS;
	if (!tcp->syn || tcp->ack)
		return XDP_PASS;

	__u32 saddr = ip->saddr;
	__u64 *count = bpf_map_lookup_elem(&syn_count, &saddr);
	if (!count) {
		__u64 first = 1;
		bpf_map_update_elem(&syn_count, &saddr, &first, BPF_NOEXIST);
		return XDP_PASS;
	}
	__sync_fetch_and_add(count, 1);
	if (*count > SYN_LIMIT)
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
