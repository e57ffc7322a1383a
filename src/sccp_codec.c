/* SCCP connectionless messages UDT, XUDT, LUDT and their service messages (Q.713 4.10-4.21):
 * parse and encode */
#include <errno.h>
#include <string.h>

#include <osmocom/core/msgb.h>
#include <osmocom/core/utils.h>

#include <np700/sccp.h>

const struct value_string sccp_msg_type_names[] = {
	{ SCCP_MSGT_UDT, "UDT" },
	{ SCCP_MSGT_UDTS, "UDTS" },
	{ SCCP_MSGT_XUDT, "XUDT" },
	{ SCCP_MSGT_XUDTS, "XUDTS" },
	{ SCCP_MSGT_LUDT, "LUDT" },
	{ SCCP_MSGT_LUDTS, "LUDTS" },
	{ 0, NULL }
};

const struct value_string sccp_return_cause_names[] = {
	{ SCCP_CAUSE_NO_XLAT_NATURE, "no translation for an address of such nature" },
	{ SCCP_CAUSE_NO_XLAT_ADDR, "no translation for this specific address" },
	{ SCCP_CAUSE_SUBSYS_CONGESTION, "subsystem congestion" },
	{ SCCP_CAUSE_SUBSYS_FAILURE, "subsystem failure" },
	{ SCCP_CAUSE_UNEQUIPPED_USER, "unequipped user" },
	{ SCCP_CAUSE_MTP_FAILURE, "MTP failure" },
	{ SCCP_CAUSE_NETWORK_CONGESTION, "network congestion" },
	{ SCCP_CAUSE_UNQUALIFIED, "unqualified" },
	{ SCCP_CAUSE_ERR_MSG_TRANSPORT, "error in message transport" },
	{ SCCP_CAUSE_ERR_LOCAL_PROC, "error in local processing" },
	{ SCCP_CAUSE_NO_REASSEMBLY, "destination cannot perform reassembly" },
	{ SCCP_CAUSE_SCCP_FAILURE, "SCCP failure" },
	{ SCCP_CAUSE_HOP_COUNTER, "hop counter violation" },
	{ SCCP_CAUSE_SEG_NOT_SUPPORTED, "segmentation not supported" },
	{ SCCP_CAUSE_SEG_FAILURE, "segmentation failure" },
	{ 0, NULL }
};

/* Shape of a message type: octets of the fixed part before the pointers, the size of a pointer
 * (2 in LUDT(S), least significant octet first; the data's length indicator has the same size),
 * and where the pointers end. An optional part follows in the extended types. */
struct layout {
	size_t fixed, psz, ptr_end;
};

static bool is_long(uint8_t t)
{
	return t == SCCP_MSGT_LUDT || t == SCCP_MSGT_LUDTS;
}

static bool is_known(uint8_t t)
{
	return t == SCCP_MSGT_UDT || t == SCCP_MSGT_UDTS || sccp_msgt_extended(t);
}

static struct layout layout(uint8_t t)
{
	struct layout l;

	l.fixed = sccp_msgt_extended(t) ? 3 : 2;
	l.psz = is_long(t) ? 2 : 1;
	l.ptr_end = l.fixed + l.psz * (sccp_msgt_extended(t) ? 4 : 3);
	return l;
}

/* A pointer or length indicator of n = 1 or 2 octets, least significant first. A pointer counts
 * from its last octet (Q.713 2.3; for the 2-octet pointers of LUDT as Wireshark reads them): the
 * parameter starts at pos + n - 1 + value; 0 is "no parameter". */
static size_t get_le(const uint8_t *buf, size_t pos, size_t n)
{
	return n == 2 ? (size_t)(buf[pos] | buf[pos + 1] << 8) : buf[pos];
}

static void put_le(uint8_t *buf, size_t pos, size_t n, size_t value)
{
	buf[pos] = value & 0xff;
	if (n == 2)
		buf[pos + 1] = value >> 8;
}

static int fail(const char **err, const char *why)
{
	if (err)
		*err = why;
	return -EINVAL;
}

/* Follow the mandatory pointer at ptr_pos to the parameter's length indicator (\a li octets); the
 * parameter must start after the pointer area and end inside the message. */
static int mand_param(const uint8_t *buf, size_t len, const struct layout *l, size_t ptr_pos, size_t li,
		      size_t *off, size_t *plen, const char **err)
{
	size_t v = get_le(buf, ptr_pos, l->psz);

	if (v == 0)
		return fail(err, "zero pointer to a mandatory parameter");
	*off = ptr_pos + l->psz - 1 + v;
	if (*off < l->ptr_end)
		return fail(err, "pointer into the fixed part");
	if (*off + li > len)
		return fail(err, "pointer past the end");
	*plen = get_le(buf, *off, li);
	if (*off + li + *plen > len)
		return fail(err, "parameter length past the end");
	return 0;
}

static int parse_opt(struct sccp_msg *m, const uint8_t *buf, size_t len, size_t pos, size_t *end, const char **err)
{
	while (pos < len) {
		uint8_t tag = buf[pos], plen;
		struct sccp_opt *o;

		if (tag == SCCP_OPT_EOP) {
			m->opt_eop = true;
			pos++;
			break;
		}
		if (pos + 2 > len)
			return fail(err, "optional parameter truncated");
		plen = buf[pos + 1];
		if (pos + 2 + plen > len)
			return fail(err, "optional parameter length past the end");
		if (m->n_opt >= SCCP_OPT_MAX)
			return fail(err, "too many optional parameters");
		o = &m->opt[m->n_opt++];
		o->tag = tag;
		o->len = plen;
		o->val = buf + pos + 2;
		switch (tag) {
		case SCCP_OPT_SEGMENTATION:
			if (plen != 4)
				return fail(err, "segmentation parameter length not 4");
			if (m->seg_present)
				return fail(err, "segmentation parameter repeated");
			m->seg_present = true;
			m->seg.first = o->val[0] & 0x80;
			m->seg.in_sequence = o->val[0] & 0x40;
			m->seg.remaining = o->val[0] & 0x0f;
			/* least significant octet first, as SCCP local references are (and as Wireshark reads it) */
			m->seg.local_ref = o->val[1] | o->val[2] << 8 | o->val[3] << 16;
			break;
		case SCCP_OPT_IMPORTANCE:
			if (plen != 1)
				return fail(err, "importance parameter length not 1");
			if (m->importance_present)
				return fail(err, "importance parameter repeated");
			m->importance_present = true;
			m->importance = o->val[0] & 0x07;
			break;
		default:
			/* unknown parameters are carried on unchanged (Q.714 compatibility) */
			break;
		}
		pos += 2 + plen;
	}
	*end = pos;
	return 0;
}

int sccp_msg_parse(struct sccp_msg *m, const uint8_t *buf, size_t len, enum sccp_variant v, const char **err)
{
	size_t off_called, off_calling, off_data, off_opt = 0, end, called_len, calling_len, data_len, p_opt, opt_ptr;
	const char *aerr = NULL;
	struct layout l;
	int rc;

	memset(m, 0, sizeof(*m));
	if (len < 1)
		return fail(err, "empty message");
	if (!is_known(buf[0])) {
		if (err)
			*err = "not a connectionless unitdata message";
		return -ENOTSUP;
	}
	m->type = buf[0];
	l = layout(m->type);
	if (len < l.ptr_end)
		return fail(err, "message truncated in the fixed part");

	if (!sccp_msgt_service(m->type)) {
		m->proto_class = buf[1];
		if ((m->proto_class & 0x0f) > 1)
			return fail(err, "protocol class not 0 or 1");
	} else {
		m->cause = buf[1];
	}
	if (sccp_msgt_extended(m->type))
		m->hop_counter = buf[2];

	rc = mand_param(buf, len, &l, l.fixed, 1, &off_called, &called_len, err);
	if (rc < 0)
		return rc;
	rc = mand_param(buf, len, &l, l.fixed + l.psz, 1, &off_calling, &calling_len, err);
	if (rc < 0)
		return rc;
	rc = mand_param(buf, len, &l, l.fixed + 2 * l.psz, l.psz, &off_data, &data_len, err);
	if (rc < 0)
		return rc;
	if (data_len > SCCP_LUDT_MAX_DATA)
		return fail(err, "long data longer than 3952 octets");

	if (sccp_addr_parse(&m->called, buf + off_called + 1, called_len, v, &aerr) < 0) {
		if (err)
			*err = aerr;
		return -EINVAL;
	}
	if (sccp_addr_parse(&m->calling, buf + off_calling + 1, calling_len, v, &aerr) < 0) {
		if (err)
			*err = aerr;
		return -EINVAL;
	}
	m->data_len = data_len;
	m->data = buf + off_data + l.psz;
	end = off_data + l.psz + data_len;

	p_opt = l.fixed + 3 * l.psz;
	opt_ptr = sccp_msgt_extended(m->type) ? get_le(buf, p_opt, l.psz) : 0;
	if (opt_ptr) {
		off_opt = p_opt + l.psz - 1 + opt_ptr;
		if (off_opt < l.ptr_end)
			return fail(err, "pointer into the fixed part");
		if (off_opt >= len)
			return fail(err, "optional part pointer past the end");
		m->opt_part = true;
		rc = parse_opt(m, buf, len, off_opt, &end, err);
		if (rc < 0)
			return rc;
	}

	/* The usual layout: parameters in pointer order, back to back, nothing after the last one. Only
	 * then does encoding give the received octets back; other layouts are valid but re-encoded. */
	m->canonical = off_called == l.ptr_end &&
		       off_calling == off_called + 1 + called_len &&
		       off_data == off_calling + 1 + calling_len &&
		       (!m->opt_part || off_opt == off_data + l.psz + data_len) &&
		       end == len;
	return 0;
}

int sccp_msg_encode_buf(uint8_t *buf, size_t size, const struct sccp_msg *m, enum sccp_variant v)
{
	uint8_t called[SCCP_ADDR_MAX_LEN], calling[SCCP_ADDR_MAX_LEN];
	size_t pos, opt_len = 0, total, p_opt;
	int called_len, calling_len;
	struct layout l;
	bool opt;
	unsigned int i;

	if (!is_known(m->type) || m->n_opt > SCCP_OPT_MAX || (m->data_len && !m->data))
		return -EINVAL;
	l = layout(m->type);
	if (m->data_len > (l.psz == 2 ? SCCP_LUDT_MAX_DATA : 0xff))
		return -EMSGSIZE;
	called_len = sccp_addr_encode(called, sizeof(called), &m->called, v);
	if (called_len < 0)
		return called_len;
	calling_len = sccp_addr_encode(calling, sizeof(calling), &m->calling, v);
	if (calling_len < 0)
		return calling_len;

	/* an optional part with nothing in it is left out: its pointer would point past the end */
	opt = sccp_msgt_extended(m->type) && m->opt_part && (m->n_opt || m->opt_eop);
	if (opt) {
		for (i = 0; i < m->n_opt; i++)
			opt_len += 2 + m->opt[i].len;
		opt_len += m->opt_eop ? 1 : 0;
	}
	total = l.ptr_end + 1 + called_len + 1 + calling_len + l.psz + m->data_len + opt_len;
	if (total > size)
		return -ENOSPC;

	buf[0] = m->type;
	buf[1] = sccp_msgt_service(m->type) ? m->cause : m->proto_class;
	if (sccp_msgt_extended(m->type))
		buf[2] = m->hop_counter;

	/* each pointer counts from its last octet; the data pointer is the largest, and as an address
	 * has 32 octets at most, every mandatory pointer fits in one octet */
	pos = l.ptr_end;
	put_le(buf, l.fixed, l.psz, pos - (l.fixed + l.psz - 1));
	buf[pos++] = called_len;
	memcpy(buf + pos, called, called_len);
	pos += called_len;

	put_le(buf, l.fixed + l.psz, l.psz, pos - (l.fixed + 2 * l.psz - 1));
	buf[pos++] = calling_len;
	memcpy(buf + pos, calling, calling_len);
	pos += calling_len;

	put_le(buf, l.fixed + 2 * l.psz, l.psz, pos - (l.fixed + 3 * l.psz - 1));
	put_le(buf, pos, l.psz, m->data_len);
	pos += l.psz;
	if (m->data_len)
		memcpy(buf + pos, m->data, m->data_len);
	pos += m->data_len;

	if (sccp_msgt_extended(m->type)) {
		p_opt = l.fixed + 3 * l.psz;
		if (!opt) {
			put_le(buf, p_opt, l.psz, 0);
		} else {
			if (pos - (p_opt + l.psz - 1) > (l.psz == 2 ? 0xffff : 0xff))
				return -ENOSPC;
			put_le(buf, p_opt, l.psz, pos - (p_opt + l.psz - 1));
			for (i = 0; i < m->n_opt; i++) {
				buf[pos++] = m->opt[i].tag;
				buf[pos++] = m->opt[i].len;
				if (m->opt[i].len)
					memcpy(buf + pos, m->opt[i].val, m->opt[i].len);
				pos += m->opt[i].len;
			}
			if (m->opt_eop)
				buf[pos++] = SCCP_OPT_EOP;
		}
	}
	return pos;
}

int sccp_msg_encode(struct msgb *msg, const struct sccp_msg *m, enum sccp_variant v)
{
	int rc = sccp_msg_encode_buf(msg->tail, msgb_tailroom(msg), m, v);

	if (rc > 0)
		msgb_put(msg, rc);
	return rc;
}

void sccp_msg_init_unitdata(struct sccp_msg *m, const struct sccp_addr *called, const struct sccp_addr *calling,
			    const uint8_t *data, uint8_t data_len, bool return_on_error)
{
	memset(m, 0, sizeof(*m));
	m->type = SCCP_MSGT_UDT;
	m->proto_class = return_on_error ? SCCP_PCLASS_RETURN_ON_ERROR : 0;
	m->called = *called;
	m->calling = *calling;
	m->data = data;
	m->data_len = data_len;
	m->canonical = true;
}

int sccp_msg_init_service(struct sccp_msg *svc, const struct sccp_msg *orig, enum sccp_return_cause cause)
{
	enum sccp_msg_type t;
	unsigned int i;

	switch (orig->type) {
	case SCCP_MSGT_UDT:
		t = SCCP_MSGT_UDTS;
		break;
	case SCCP_MSGT_XUDT:
		t = SCCP_MSGT_XUDTS;
		break;
	case SCCP_MSGT_LUDT:
		t = SCCP_MSGT_LUDTS;
		break;
	default:
		return -EINVAL;
	}
	memset(svc, 0, sizeof(*svc));
	svc->type = t;
	svc->cause = cause;
	svc->called = orig->calling;
	svc->calling = orig->called;
	svc->data = orig->data;
	svc->data_len = orig->data_len;
	if (sccp_msgt_extended(svc->type)) {
		/* Q.714 4.2: a new message starts with a full hop counter; segmentation and importance
		 * of the original travel back so that the originator can match the segment */
		svc->hop_counter = SCCP_HOP_COUNTER_MAX;
		for (i = 0; i < orig->n_opt; i++) {
			if (orig->opt[i].tag != SCCP_OPT_SEGMENTATION && orig->opt[i].tag != SCCP_OPT_IMPORTANCE)
				continue;
			svc->opt[svc->n_opt++] = orig->opt[i];
		}
		svc->opt_part = svc->n_opt > 0;
		svc->opt_eop = svc->opt_part;
		svc->seg_present = orig->seg_present;
		svc->seg = orig->seg;
		svc->importance_present = orig->importance_present;
		svc->importance = orig->importance;
	}
	svc->canonical = true;
	return 0;
}
