// bpf_loop with a callback that counts in its context: the count is never used in a branch, so
// the kernel widens it and the callback visits converge quickly.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct ctx { __u64 n; __u64 last; };

static long count(__u32 i, void *data)
{
	struct ctx *c = data;
	c->n += 1;
	c->last = i;
	return 0;
}

__u64 total;

SEC("xdp")
int loop_counter(struct xdp_md *xdp)
{
	struct ctx c = {};
	bpf_loop(1000, count, &c, 0);
	total += c.n;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
