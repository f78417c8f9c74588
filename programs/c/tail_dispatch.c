// SPDX-License-Identifier: MIT
// tail_dispatch: a dispatcher that looks at the IPv4 protocol and tail-calls a stage program for
// it through the `jump_table` program array: slot 0 (JUMP_TCP) handles TCP, slot 1 (JUMP_UDP)
// handles UDP. Other packets, and protocols whose slot is empty, get the default action
// (XDP_PASS). The stages count what they see in `stage_hits` and decide:
//   tcp_stage: drops TCP to port 23 (telnet), passes the rest;
//   udp_stage: passes UDP, except to port 0, which is dropped.
//
// What it teaches: tail calls (bpf_tail_call replaces the running program and never returns when
// it succeeds; when the slot is empty it returns and the caller goes on), program arrays filled
// by user space, and several programs in one object, each in its own `xdp` section.

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

enum { JUMP_TCP = 0, JUMP_UDP = 1, JUMP_SLOTS = 2 };
enum { HIT_TCP = 0, HIT_UDP = 1, HIT_DEFAULT = 2, HIT_SLOTS = 3 };

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, JUMP_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} jump_table SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HIT_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} stage_hits SEC(".maps");

static __always_inline void count(__u32 slot)
{
	__u64 *n = bpf_map_lookup_elem(&stage_hits, &slot);
	if (n)
		__sync_fetch_and_add(n, 1);
}

/* The IPv4 header of a frame, or NULL. Each stage parses again: a tail call keeps the context
 * (the packet) but nothing else, not even registers or the stack. */
static __always_inline struct iphdr *ipv4_header(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return NULL;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->ihl != 5) /* options: leave to the default action */
		return NULL;
	return ip;
}

SEC("xdp")
int dispatcher(struct xdp_md *ctx)
{
	struct iphdr *ip = ipv4_header(ctx);
	if (ip) {
		if (ip->protocol == IPPROTO_TCP)
			bpf_tail_call(ctx, &jump_table, JUMP_TCP);
		else if (ip->protocol == IPPROTO_UDP)
			bpf_tail_call(ctx, &jump_table, JUMP_UDP);
	}
	/* Not TCP or UDP, or the slot was empty: the tail call returned. */
	count(HIT_DEFAULT);
	return XDP_PASS;
}

SEC("xdp")
int tcp_stage(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	count(HIT_TCP);
	struct iphdr *ip = ipv4_header(ctx);
	if (!ip)
		return XDP_ABORTED; /* the dispatcher checked this: reaching here is a bug */
	struct tcphdr *tcp = (void *)(ip + 1);
	if ((void *)(tcp + 1) > data_end)
		return XDP_PASS;
	return tcp->dest == bpf_htons(23) ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int udp_stage(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	count(HIT_UDP);
	struct iphdr *ip = ipv4_header(ctx);
	if (!ip)
		return XDP_ABORTED;
	struct udphdr *udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > data_end)
		return XDP_PASS;
	return udp->dest == 0 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
