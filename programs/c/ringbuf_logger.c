// SPDX-License-Identifier: MIT
// ringbuf_logger: for every IPv4 packet, reserve an event in a ring buffer, fill in the source and
// destination addresses, the protocol and the packet length, and submit it. User space reads the
// events in the order they were submitted. Every packet passes.
//
// What it teaches: the ring buffer map (reserve returns memory the program writes directly, or
// NULL when the buffer is full; every reservation must be submitted or discarded before the
// program exits, which the verifier checks), and sharing an event layout with user space.

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct packet_event {
	__u32 saddr;    /* network byte order */
	__u32 daddr;    /* network byte order */
	__u32 len;      /* bytes from the Ethernet header to the end of the packet */
	__u8 protocol;
	__u8 pad[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096); /* bytes; a power of two and a multiple of the page size */
} events SEC(".maps");

SEC("xdp")
int ringbuf_logger(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_PASS;

	struct packet_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return XDP_PASS; /* buffer full: the event is lost, the packet is not */
	e->saddr = ip->saddr;
	e->daddr = ip->daddr;
	e->len = data_end - data;
	e->protocol = ip->protocol;
	e->pad[0] = e->pad[1] = e->pad[2] = 0;
	bpf_ringbuf_submit(e, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
