// A record that is not released on one path.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int ringbuf_leak(struct xdp_md *ctx)
{
	__u32 *e = bpf_ringbuf_reserve(&events, 4, 0);
	if (!e)
		return XDP_PASS;
	*e = ctx->rx_queue_index;
	if (*e == 3)
		return XDP_DROP;
	bpf_ringbuf_submit(e, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
