/* ISUP message parse / re-encode (Q.763 §1): strict layout checks, parameters kept as
 * references into the received octets so that untouched parameters survive byte-identical. */
#include <errno.h>
#include <string.h>

#include <osmocom/core/utils.h>

#include <np700/isup.h>

const struct value_string isup_err_names[] = {
	{ ISUP_ERR_NONE, "ok" },
	{ ISUP_ERR_SHORT_HEADER, "shorter than CIC and message type" },
	{ ISUP_ERR_SHORT_FIXED, "mandatory fixed part truncated" },
	{ ISUP_ERR_SHORT_POINTERS, "pointers truncated" },
	{ ISUP_ERR_BAD_POINTER, "bad pointer" },
	{ ISUP_ERR_LEN_PAST_END, "parameter length past the end" },
	{ ISUP_ERR_MAND_LEN, "mandatory parameter length out of bounds" },
	{ ISUP_ERR_NO_EOP, "missing end of optional parameters" },
	{ ISUP_ERR_TRAILING, "trailing octets" },
	{ ISUP_ERR_TOO_MANY_PARAMS, "too many optional parameters" },
	{ 0, NULL }
};

uint8_t isup_err_cause(enum isup_err e)
{
	switch (e) {
	case ISUP_ERR_NONE:
		return 0;
	case ISUP_ERR_SHORT_FIXED:
	case ISUP_ERR_SHORT_POINTERS:
		return 96;	/* mandatory information element is missing */
	case ISUP_ERR_MAND_LEN:
		return 100;	/* invalid information element contents */
	case ISUP_ERR_TOO_MANY_PARAMS:
		return 99;	/* information element / parameter non-existent or not implemented */
	case ISUP_ERR_BAD_POINTER:
	case ISUP_ERR_LEN_PAST_END:
	case ISUP_ERR_NO_EOP:
	case ISUP_ERR_TRAILING:
	case ISUP_ERR_SHORT_HEADER:
	default:
		return 111;	/* protocol error, unspecified */
	}
}

void isup_cic_put(enum isup_variant v, uint8_t *out, uint16_t cic, uint8_t spare)
{
	/* ITU and China alike: 12 bits, low octet first, 4 spare bits on top */
	(void)v;
	out[0] = cic & 0xff;
	out[1] = ((cic >> 8) & 0x0f) | ((spare & 0x0f) << 4);
}

int isup_cic_peek(enum isup_variant v, const uint8_t *data, size_t len, uint16_t *cic, uint8_t *type)
{
	(void)v;
	if (len < 3)
		return -EINVAL;
	if (cic)
		*cic = data[0] | ((data[1] & 0x0f) << 8);
	if (type)
		*type = data[2];
	return 0;
}

static int fail(enum isup_err *err, size_t *err_off, enum isup_err e, size_t off)
{
	if (err)
		*err = e;
	if (err_off)
		*err_off = off;
	return -EINVAL;
}

int isup_msg_parse(struct isup_msg *m, enum isup_variant v, const uint8_t *data, size_t len,
		   enum isup_err *err, size_t *err_off)
{
	const struct isup_msg_def *def;
	size_t p, next, ptrpos;
	unsigned int i, nptr;

	/* opt[] is only ever read below n_opt: leave its 1.5 KiB alone (this runs twice per IAM) */
	memset(m, 0, offsetof(struct isup_msg, opt));
	m->opaque = NULL;
	m->opaque_len = 0;
	m->scratch_used = 0;
	m->variant = v;
	if (err)
		*err = ISUP_ERR_NONE;
	if (err_off)
		*err_off = 0;
	if (len < 3)
		return fail(err, err_off, ISUP_ERR_SHORT_HEADER, len);
	m->cic = data[0] | ((data[1] & 0x0f) << 8);
	m->cic_spare = data[1] >> 4;
	m->type = data[2];
	def = isup_msg_def_get(v, m->type);
	m->def = def;
	if (!def) {
		/* unknown message: kept verbatim, the relay applies Q.764 §2.9.5 */
		m->opaque = data + 3;
		m->opaque_len = len - 3;
		return 0;
	}

	p = 3;
	for (i = 0; i < def->n_fixed; i++) {
		if (len - p < def->fixed[i].min_len)
			return fail(err, err_off, ISUP_ERR_SHORT_FIXED, p);
		m->fixed[i] = (struct isup_param){ def->fixed[i].code, def->fixed[i].min_len, data + p };
		p += def->fixed[i].min_len;
	}

	nptr = def->n_var + (def->opt ? 1 : 0);
	if (len - p < nptr)
		return fail(err, err_off, ISUP_ERR_SHORT_POINTERS, p);
	/* Q.763 §1.6: the variable parameters follow the pointers in the pointers' order, the
	 * optional part follows them; anything else (gaps, overlaps, reordering) is refused so
	 * that a message we pass on is exactly the message we understood. */
	next = p + nptr;
	for (i = 0; i < def->n_var; i++) {
		uint8_t l;

		ptrpos = p + i;
		if (data[ptrpos] == 0 || ptrpos + data[ptrpos] != next)
			return fail(err, err_off, ISUP_ERR_BAD_POINTER, ptrpos);
		if (next >= len)
			return fail(err, err_off, ISUP_ERR_LEN_PAST_END, next);
		l = data[next];
		if (l > len - next - 1)
			return fail(err, err_off, ISUP_ERR_LEN_PAST_END, next);
		if (l < def->var[i].min_len || l > def->var[i].max_len)
			return fail(err, err_off, ISUP_ERR_MAND_LEN, next);
		m->var[i] = (struct isup_param){ def->var[i].code, l, data + next + 1 };
		next += 1 + l;
	}

	if (def->opt) {
		ptrpos = p + def->n_var;
		if (data[ptrpos] != 0) {
			if (ptrpos + data[ptrpos] != next)
				return fail(err, err_off, ISUP_ERR_BAD_POINTER, ptrpos);
			m->opt_part = true;
			for (;;) {
				uint8_t code, l;

				if (next >= len)
					return fail(err, err_off, ISUP_ERR_NO_EOP, next);
				code = data[next];
				if (code == ISUP_PAR_EOP) {
					next++;
					break;
				}
				if (len - next < 2)
					return fail(err, err_off, ISUP_ERR_LEN_PAST_END, next);
				l = data[next + 1];
				if (l > len - next - 2)
					return fail(err, err_off, ISUP_ERR_LEN_PAST_END, next + 1);
				if (m->n_opt >= ISUP_MAX_OPT)
					return fail(err, err_off, ISUP_ERR_TOO_MANY_PARAMS, next);
				m->opt[m->n_opt++] = (struct isup_param){ code, l, data + next + 2 };
				next += 2 + l;
			}
		}
	}
	if (next != len)
		return fail(err, err_off, ISUP_ERR_TRAILING, next);
	return 0;
}

int isup_msg_init(struct isup_msg *m, enum isup_variant v, uint8_t type, uint16_t cic)
{
	const struct isup_msg_def *def = isup_msg_def_get(v, type);
	unsigned int i;

	memset(m, 0, offsetof(struct isup_msg, scratch));
	if (!def)
		return -ENOENT;
	m->variant = v;
	m->type = type;
	m->cic = cic & 0x0fff;
	m->def = def;
	for (i = 0; i < def->n_fixed; i++)
		m->fixed[i].code = def->fixed[i].code;
	for (i = 0; i < def->n_var; i++)
		m->var[i].code = def->var[i].code;
	return 0;
}

int isup_msg_encode(const struct isup_msg *m, uint8_t *out, size_t out_size)
{
	const struct isup_msg_def *def = m->def;
	size_t need, p, next;
	unsigned int i, nptr;
	bool opt;

	if (out_size < 3)
		return -ENOSPC;
	isup_cic_put(m->variant, out, m->cic, m->cic_spare);
	out[2] = m->type;
	if (!def) {
		if (out_size - 3 < m->opaque_len)
			return -ENOSPC;
		if (m->opaque_len)
			memcpy(out + 3, m->opaque, m->opaque_len);
		return 3 + m->opaque_len;
	}

	opt = def->opt && (m->opt_part || m->n_opt);
	nptr = def->n_var + (def->opt ? 1 : 0);
	need = 3 + nptr;
	for (i = 0; i < def->n_fixed; i++) {
		if (!m->fixed[i].val)
			return -EINVAL;
		need += m->fixed[i].len;
	}
	for (i = 0; i < def->n_var; i++) {
		if (!m->var[i].val)
			return -EINVAL;
		need += 1 + m->var[i].len;
	}
	if (opt) {
		for (i = 0; i < m->n_opt; i++)
			need += 2 + m->opt[i].len;
		need += 1;
	}
	if (need > out_size)
		return -ENOSPC;

	p = 3;
	for (i = 0; i < def->n_fixed; i++) {
		memcpy(out + p, m->fixed[i].val, m->fixed[i].len);
		p += m->fixed[i].len;
	}
	next = p + nptr;
	for (i = 0; i < def->n_var; i++) {
		if (next - (p + i) > 255)
			return -EINVAL;
		out[p + i] = next - (p + i);
		out[next] = m->var[i].len;
		memcpy(out + next + 1, m->var[i].val, m->var[i].len);
		next += 1 + m->var[i].len;
	}
	if (def->opt) {
		if (!opt) {
			out[p + def->n_var] = 0;
		} else {
			if (next - (p + def->n_var) > 255)
				return -EINVAL;
			out[p + def->n_var] = next - (p + def->n_var);
			for (i = 0; i < m->n_opt; i++) {
				out[next] = m->opt[i].code;
				out[next + 1] = m->opt[i].len;
				if (m->opt[i].len)
					memcpy(out + next + 2, m->opt[i].val, m->opt[i].len);
				next += 2 + m->opt[i].len;
			}
			out[next++] = ISUP_PAR_EOP;
		}
	}
	return next;
}

const struct isup_param *isup_msg_get(const struct isup_msg *m, uint8_t code)
{
	unsigned int i;

	if (!m->def)
		return NULL;
	for (i = 0; i < m->def->n_fixed; i++) {
		if (m->fixed[i].code == code && m->fixed[i].val)
			return &m->fixed[i];
	}
	for (i = 0; i < m->def->n_var; i++) {
		if (m->var[i].code == code && m->var[i].val)
			return &m->var[i];
	}
	for (i = 0; i < m->n_opt; i++) {
		if (m->opt[i].code == code)
			return &m->opt[i];
	}
	return NULL;
}

static const uint8_t *scratch_copy(struct isup_msg *m, const uint8_t *val, size_t len)
{
	uint8_t *dst;

	if (ISUP_SCRATCH - m->scratch_used < len)
		return NULL;
	dst = m->scratch + m->scratch_used;
	if (len)
		memcpy(dst, val, len);
	m->scratch_used += len;
	return dst;
}

int isup_msg_set(struct isup_msg *m, uint8_t code, const uint8_t *val, size_t len)
{
	const struct isup_msg_def *def = m->def;
	const uint8_t *copy;
	unsigned int i;

	if (!def)
		return -ENOENT;
	if (len > 255)
		return -EINVAL;
	for (i = 0; i < def->n_fixed; i++) {
		if (def->fixed[i].code != code)
			continue;
		if (len != def->fixed[i].min_len)
			return -EINVAL;
		if (!(copy = scratch_copy(m, val, len)))
			return -ENOSPC;
		m->fixed[i].val = copy;
		m->fixed[i].len = len;
		return 0;
	}
	for (i = 0; i < def->n_var; i++) {
		if (def->var[i].code != code)
			continue;
		if (len < def->var[i].min_len || len > def->var[i].max_len)
			return -EINVAL;
		if (!(copy = scratch_copy(m, val, len)))
			return -ENOSPC;
		m->var[i].val = copy;
		m->var[i].len = len;
		return 0;
	}
	if (!def->opt || code == ISUP_PAR_EOP)
		return -ENOENT;
	for (i = 0; i < m->n_opt; i++) {
		if (m->opt[i].code == code)
			break;
	}
	if (i == m->n_opt && m->n_opt >= ISUP_MAX_OPT)
		return -ENOSPC;
	if (!(copy = scratch_copy(m, val, len)))
		return -ENOSPC;
	if (i == m->n_opt)
		m->n_opt++;
	m->opt[i] = (struct isup_param){ code, len, copy };
	return 0;
}

static bool is_mandatory(const struct isup_msg_def *def, uint8_t code)
{
	unsigned int i;

	for (i = 0; i < def->n_fixed; i++) {
		if (def->fixed[i].code == code)
			return true;
	}
	for (i = 0; i < def->n_var; i++) {
		if (def->var[i].code == code)
			return true;
	}
	return false;
}

int isup_msg_del(struct isup_msg *m, uint8_t code)
{
	struct isup_par_set one;

	if (!m->def)
		return 0;
	if (is_mandatory(m->def, code))
		return -EPERM;
	isup_par_set_init(&one, &code, 1);
	return isup_msg_del_set(m, &one);
}

void isup_par_set_init(struct isup_par_set *s, const uint8_t *codes, size_t n_codes)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < n_codes; i++)
		s->bits[codes[i] / 32] |= 1u << (codes[i] % 32);
}

int isup_msg_del_set(struct isup_msg *m, const struct isup_par_set *s)
{
	unsigned int i, j;
	int removed;

	if (!m->def)
		return 0;
	for (i = j = 0; i < m->n_opt; i++) {
		uint8_t c = m->opt[i].code;
		/* the mandatory check only on a hit: scrub() runs this on every relayed message */
		if (isup_par_set_has(s, c) && !is_mandatory(m->def, c))
			continue;
		if (i != j)
			m->opt[j] = m->opt[i];
		j++;
	}
	removed = m->n_opt - j;
	m->n_opt = j;
	/* an optional part left empty is not sent at all */
	if (removed && !m->n_opt)
		m->opt_part = false;
	return removed;
}

int isup_unknown_msg_compat(const struct isup_msg *m, struct isup_msg_compat *c)
{
	const uint8_t *b = m->opaque;
	size_t len = m->opaque_len, p;

	memset(c, 0, sizeof(*c));
	if (m->def || len < 1)
		return -EINVAL;
	if (b[0] == 0)
		return len == 1 ? 0 : -EINVAL;
	p = b[0];
	for (;;) {
		uint8_t code, l;

		if (p >= len)
			return -EINVAL;
		code = b[p];
		if (code == ISUP_PAR_EOP)
			return p + 1 == len ? 0 : -EINVAL;
		if (len - p < 2 || b[p + 1] > len - p - 2)
			return -EINVAL;
		l = b[p + 1];
		if (code == ISUP_PAR_MSG_COMPAT && l >= 1 && !c->present) {
			uint8_t o = b[p + 2];
			c->present = true;
			c->end_node = o & 0x01;
			c->release_call = o & 0x02;
			c->send_notification = o & 0x04;
			c->discard = o & 0x08;
			c->pass_on_not_possible_release = !(o & 0x10);
		}
		p += 2 + l;
	}
}

int isup_cause_encode(uint8_t *out, uint8_t location, uint8_t cause)
{
	/* ext=1, coding standard ITU-T (00), spare, location; ext=1, cause value */
	out[0] = 0x80 | (location & 0x0f);
	out[1] = 0x80 | (cause & 0x7f);
	return 2;
}

int isup_cause_decode(const uint8_t *val, size_t len, uint8_t *location, uint8_t *cause)
{
	size_t p = 0;

	if (len < 2)
		return -EINVAL;
	if (location)
		*location = val[0] & 0x0f;
	/* octet 1a (recommendation) is present when octet 1 has ext = 0 */
	if (!(val[0] & 0x80))
		p = 1;
	if (len < p + 2)
		return -EINVAL;
	if (cause)
		*cause = val[p + 1] & 0x7f;
	return 0;
}

int isup_range_status_decode(const uint8_t *val, size_t len, struct isup_range_status *rs)
{
	size_t slen;

	memset(rs, 0, sizeof(*rs));
	if (len < 1)
		return -EINVAL;
	rs->range = val[0];
	if (len == 1)
		return 0;
	slen = (rs->range + 8) / 8;
	if (len - 1 != slen || slen > sizeof(rs->status))
		return -EINVAL;
	rs->has_status = true;
	memcpy(rs->status, val + 1, slen);
	return 0;
}

int isup_range_status_encode(uint8_t *out, size_t out_size, const struct isup_range_status *rs)
{
	size_t slen = rs->has_status ? (rs->range + 8) / 8 : 0;

	if (out_size < 1 + slen)
		return -ENOSPC;
	out[0] = rs->range;
	if (slen)
		memcpy(out + 1, rs->status, slen);
	return 1 + slen;
}
