// The callback's index is an unknown scalar to the verifier (not bounded by nr_loops): indexing
// an array with it needs a check.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct ctx { __u8 buf[8]; };

static long fill(__u32 i, void *data)
{
	struct ctx *c = data;
	if (i >= sizeof(c->buf))
		return 1;
	c->buf[i] = i;
	return 0;
}

SEC("xdp")
int loop_index_bound(struct xdp_md *xdp)
{
	struct ctx c = {};
	bpf_loop(8, fill, &c, 0);
	return c.buf[7] == 7 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
