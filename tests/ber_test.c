/* BER reader/writer: decode, re-encode byte-identical, splice, malformed input */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/msgb.h>
#include <osmocom/core/utils.h>

#include <np700/ber.h>

static const char *rcname(int rc)
{
	switch (rc) {
	case 0: return "0";
	case -EINVAL: return "-EINVAL";
	case -ELOOP: return "-ELOOP";
	case -ENOSPC: return "-ENOSPC";
	case -ENODATA: return "-ENODATA";
	}
	return "other";
}

static void dump_tree(const struct ber_tlv *t, unsigned int depth)
{
	struct ber_iter it;
	struct ber_tlv c;
	int rc;

	printf("%*scls=%u cons=%d tag=%u len=%zu%s lo=%u\n", depth * 2, "", t->cls, t->constructed, t->tag,
	       t->len, t->indefinite ? " indef" : "", t->len_octets);
	if (!t->constructed)
		return;
	ber_iter_init(&it, t, depth);
	while ((rc = ber_iter_next(&it, &c)) > 0)
		dump_tree(&c, depth + 1);
	if (rc < 0)
		printf("%*schildren: %s\n", depth * 2 + 2, "", rcname(rc));
}

/* decode, validate, print, re-encode and compare */
static void roundtrip(const char *name, const char *hex)
{
	uint8_t buf[512];
	struct ber_tlv t;
	struct msgb *msg;
	int len = osmo_hexparse(hex, buf, sizeof(buf));
	int rc;

	printf("-- %s: %s\n", name, hex);
	rc = ber_read_exact(buf, len, &t);
	if (rc == 0)
		rc = ber_validate(&t, 0);
	printf("read: %s\n", rcname(rc));
	if (rc < 0)
		return;
	dump_tree(&t, 0);
	msg = msgb_alloc(1024, "test");
	rc = ber_reencode(msg, &t, 0);
	printf("reencode: %s %s\n", rcname(rc),
	       (rc == 0 && msgb_length(msg) == (unsigned)len && !memcmp(msgb_data(msg), buf, len)) ?
	       "identical" : "DIFFERENT");
	msgb_free(msg);
}

/* find the element at a path of child indexes below the root, filling path[] */
static int walk(const uint8_t *buf, size_t len, const int *idx, int n, struct ber_tlv *path)
{
	int i, k, rc;

	rc = ber_read_exact(buf, len, &path[0]);
	if (rc < 0)
		return rc;
	for (i = 0; i < n; i++) {
		struct ber_iter it;

		ber_iter_init(&it, &path[i], i);
		for (k = 0; k <= idx[i]; k++) {
			rc = ber_iter_next(&it, &path[i + 1]);
			if (rc <= 0)
				return -EINVAL;
		}
	}
	return 0;
}

static void splice(const char *name, const char *hex, const int *idx, int n, bool whole, const char *repl_hex)
{
	uint8_t buf[512], repl[512];
	struct ber_tlv path[BER_MAX_DEPTH + 1], t;
	int len = osmo_hexparse(hex, buf, sizeof(buf));
	int rlen = strlen(repl_hex) ? osmo_hexparse(repl_hex, repl, sizeof(repl)) : 0;
	struct msgb *msg = msgb_alloc(1024, "test");
	int rc;

	printf("-- splice %s: %s %s <- %s\n", name, hex, whole ? "element" : "contents", repl_hex);
	rc = walk(buf, len, idx, n, path);
	if (rc == 0)
		rc = ber_splice(msg, buf, len, path, n + 1, whole, repl, rlen);
	printf("rc=%s out=%s\n", rcname(rc), osmo_hexdump_nospc(msgb_data(msg), msgb_length(msg)));
	if (rc == 0) {
		rc = ber_read_exact(msgb_data(msg), msgb_length(msg), &t);
		if (rc == 0)
			rc = ber_validate(&t, 0);
		printf("re-read: %s\n", rcname(rc));
	}
	msgb_free(msg);
}

/* several children of the root replaced in one pass (ber_splice_children()) */
static void splice_children(const char *name, const char *hex, int n, const int *kid, const bool *whole,
			    const char *const *repl_hex, size_t out_size)
{
	static uint8_t buf[512], repl[BER_EDIT_MAX][256];
	struct ber_tlv root, kids[BER_EDIT_MAX], t;
	struct ber_edit e[BER_EDIT_MAX];
	int len = osmo_hexparse(hex, buf, sizeof(buf));
	struct msgb *msg = msgb_alloc(out_size, "test");
	int i, k, rc;

	printf("-- splice children %s: %s\n", name, hex);
	rc = ber_read_exact(buf, len, &root);
	for (i = 0; rc == 0 && i < n; i++) {
		struct ber_iter it;

		printf("  child %d %s <- %s\n", kid[i], whole[i] ? "element" : "contents", repl_hex[i]);
		ber_iter_init(&it, &root, 0);
		for (k = 0; k <= kid[i] && rc == 0; k++)
			rc = ber_iter_next(&it, &kids[i]) == 1 ? 0 : -EINVAL;
		e[i].t = kid[i] < 0 ? &root : &kids[i];
		e[i].whole = whole[i];
		e[i].repl = repl[i];
		e[i].repl_len = strlen(repl_hex[i]) ? osmo_hexparse(repl_hex[i], repl[i], sizeof(repl[i])) : 0;
	}
	if (rc == 0)
		rc = ber_splice_children(msg, buf, len, &root, e, n);
	printf("rc=%s out=%s\n", rcname(rc), osmo_hexdump_nospc(msgb_data(msg), msgb_length(msg)));
	if (rc == 0) {
		rc = ber_read_exact(msgb_data(msg), msgb_length(msg), &t);
		if (rc == 0)
			rc = ber_validate(&t, 0);
		printf("re-read: %s len=%zu lo=%u%s\n", rcname(rc), t.len, t.len_octets, t.indefinite ? " indef" : "");
	}
	msgb_free(msg);
}

/* \a n zero octets in hex, after \a prefix */
static const char *zeros(char *out, const char *prefix, int n)
{
	int i;

	strcpy(out, prefix);
	for (i = 0; i < n; i++)
		strcat(out, "00");
	return out;
}

static void test_splice_children(void)
{
	static const int k02[] = { 0, 2 }, k01[] = { 0, 1 }, k10[] = { 1, 0 }, kroot[] = { -1 };
	static const bool we[] = { true, false }, cc[] = { false, false }, w1[] = { true };
	char in[600], r2[300];

	splice_children("element and contents", "300b8002aabb8401ff0402cafe", 2, k02, we,
			(const char *const[]){ "8003010203", "112233" }, 1024);
	splice_children("indefinite parent, long-form child", "30808001010482000201020000", 2, k01, cc,
			(const char *const[]){ "", "aabbcc" }, 1024);
	/* 126 octets of contents; the first child grows by 10, the second shrinks by 20: the parent
	 * ends at 116 and keeps its short form (one splice after the other would pass through 136) */
	splice_children("parent stays short", zeros(in, "307e0402aabb0478", 120), 2, k01, cc,
			(const char *const[]){ "00112233445566778899aabb", zeros(r2, "", 100) }, 1024);
	splice_children("out of order", "300b8002aabb8401ff0402cafe", 2, k10, cc,
			(const char *const[]){ "11", "22" }, 1024);
	splice_children("not a child", "300b8002aabb8401ff0402cafe", 1, kroot, w1,
			(const char *const[]){ "0500" }, 1024);
	splice_children("no room", "300b8002aabb8401ff0402cafe", 2, k02, we,
			(const char *const[]){ "8003010203", "112233" }, 8);
}

static void bad(const char *name, const char *hex)
{
	uint8_t buf[512];
	struct ber_tlv t;
	int len = osmo_hexparse(hex, buf, sizeof(buf));
	int rc;

	rc = ber_read_exact(buf, len, &t);
	if (rc == 0)
		rc = ber_validate(&t, 0);
	printf("bad %s: %s -> %s\n", name, hex, rcname(rc));
}

static void test_writer(void)
{
	int32_t vals[] = { 0, 1, 127, 128, 255, 256, -1, -128, -129, 0x7fffffff, (int32_t)0x80000000 };
	struct msgb *msg = msgb_alloc(1024, "test");
	struct ber_tlv t;
	size_t m1, m2;
	unsigned int i;
	uint8_t big[300];

	printf("-- writer\n");
	for (i = 0; i < ARRAY_SIZE(vals); i++) {
		int32_t back = 0;

		msgb_reset(msg);
		ber_put_int(msg, BER_ID_INTEGER, vals[i]);
		ber_read_exact(msgb_data(msg), msgb_length(msg), &t);
		ber_get_int(&t, &back);
		printf("int %d: %s back=%d\n", vals[i], osmo_hexdump_nospc(msgb_data(msg), msgb_length(msg)), back);
	}
	msgb_reset(msg);
	ber_open(msg, &m1);
	ber_put_int(msg, BER_ID(BER_CLASS_CONTEXT, 0, 40), 5);
	ber_open(msg, &m2);
	memset(big, 0xab, sizeof(big));
	ber_put_tlv(msg, BER_ID_OCTETSTRING, big, 200);
	ber_close(msg, m2, BER_ID(BER_CLASS_APPLICATION, 1, 12));
	ber_close(msg, m1, BER_ID_SEQUENCE);
	printf("nested: %s...\n", osmo_hexdump_nospc(msgb_data(msg), 16));
	printf("nested read: %s len=%u\n", rcname(ber_read_exact(msgb_data(msg), msgb_length(msg), &t)),
	       msgb_length(msg));

	/* too small a msgb: -ENOSPC, never an abort */
	msgb_free(msg);
	msg = msgb_alloc(8, "small");
	printf("small put: %s\n", rcname(ber_put_tlv(msg, BER_ID_OCTETSTRING, big, 20)));
	printf("small put ok: %s\n", rcname(ber_put_tlv(msg, BER_ID_OCTETSTRING, big, 2)));
	ber_open(msg, &m1);
	ber_put_tlv(msg, BER_ID_OCTETSTRING, big, 2);
	printf("small close: %s\n", rcname(ber_close(msg, m1, BER_ID_SEQUENCE)));
	msgb_free(msg);
}

int main(void)
{
	static const int p1[] = { 1, 0 };
	static const int p2[] = { 0 };
	static const int p3[] = { 0, 0 };
	char deep[300];
	int i;

	roundtrip("primitive", "020105");
	roundtrip("sequence", "3006020101040100");
	roundtrip("multi-byte tag", "9f2102abcd");
	roundtrip("three-byte tag", "bf818001030401aa");
	roundtrip("long length", "048103112233");
	roundtrip("long length 2 octets", "04820003aabbcc");
	roundtrip("indefinite", "308002010104000000");
	roundtrip("nested indefinite", "62804804000000016b80a080040101000000000000");
	roundtrip("empty constructed", "3000");

	splice("grow contents", "3006020101040100", p1, 0, false, "");
	splice("leaf contents", "300a020101a305040300aabb", p1, 2, false, "112233445566");
	splice("leaf element", "300a020101a305040300aabb", p1, 2, true, "8001ff");
	splice("in indefinite", "3080020101a380040300aabb00000000", p1, 2, false, "11");
	splice("keeps long form", "30820008020101a303040100", p1, 2, false, "aabbcc");
	splice("short to long", "3003040100", p2, 1, false,
	       "00000000000000000000000000000000000000000000000000000000000000000000000000000000"
	       "00000000000000000000000000000000000000000000000000000000000000000000000000000000"
	       "00000000000000000000000000000000000000000000000000000000000000000000000000000000"
	       "0000000000000000");
	splice("first child", "3006020101020102", p3, 1, true, "0203010203");

	bad("empty", "");
	bad("truncated header", "30");
	bad("length past buffer", "300502010104");
	bad("child past parent", "3003020501");
	bad("trailing bytes", "02010500");
	bad("indefinite without EOC", "308002010104");
	bad("indefinite primitive", "0480010000");
	bad("length 0xff", "04ff");
	bad("5 length octets", "04850000000001aa");
	bad("tag < 31 long form", "1f0100");
	bad("tag leading 0x80", "1f800100");
	bad("tag too long", "1f8181818101020000");
	bad("EOC in definite", "30020000");
	for (i = 0; i < 30; i++)
		memcpy(deep + 4 * i, "3080", 4);
	for (i = 0; i < 30; i++)
		memcpy(deep + 120 + 4 * i, "0000", 4);
	deep[240] = '\0';
	bad("too deep indefinite", deep);
	{
		/* 30 definite levels: ber_read alone accepts, ber_validate stops at BER_MAX_DEPTH */
		char d2[200];
		for (i = 0; i < 30; i++)
			sprintf(d2 + 4 * i, "30%02x", 2 * (29 - i));
		bad("too deep definite", d2);
	}
	test_splice_children();
	test_writer();
	return 0;
}
