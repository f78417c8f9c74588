// Map-in-map: a lookup in an array of maps gives the inner map (after a NULL check), which is
// then looked up itself.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner);
} outer SEC(".maps");

SEC("xdp")
int map_in_map(struct xdp_md *ctx)
{
	__u32 k = ctx->rx_queue_index & 1;
	void *m = bpf_map_lookup_elem(&outer, &k);
	if (!m)
		return XDP_PASS;
	__u32 i = 3;
	__u64 *v = bpf_map_lookup_elem(m, &i);
	if (!v)
		return XDP_PASS;
	__sync_fetch_and_add(v, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
