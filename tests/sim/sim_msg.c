/* ss7-sim message helpers: type names, canned ISUP answers, a minimal IAM builder */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <osmocom/core/utils.h>

#include "sim_msg.h"

/* Q.763 Table 4 */
static const struct value_string isup_type_names[] = {
	{ 0x01, "IAM" }, { 0x02, "SAM" }, { 0x03, "INR" }, { 0x04, "INF" }, { 0x05, "COT" },
	{ 0x06, "ACM" }, { 0x07, "CON" }, { 0x08, "FOT" }, { 0x09, "ANM" }, { 0x0c, "REL" },
	{ 0x0d, "SUS" }, { 0x0e, "RES" }, { 0x10, "RLC" }, { 0x11, "CCR" }, { 0x12, "RSC" },
	{ 0x13, "BLO" }, { 0x14, "UBL" }, { 0x15, "BLA" }, { 0x16, "UBA" }, { 0x17, "GRS" },
	{ 0x18, "CGB" }, { 0x19, "CGU" }, { 0x1a, "CGBA" }, { 0x1b, "CGUA" }, { 0x1f, "FAR" },
	{ 0x20, "FAA" }, { 0x21, "FRJ" }, { 0x24, "LPA" }, { 0x28, "PAM" }, { 0x29, "GRA" },
	{ 0x2a, "CQM" }, { 0x2b, "CQR" }, { 0x2c, "CPG" }, { 0x2d, "USR" }, { 0x2e, "UCIC" },
	{ 0x2f, "CFN" }, { 0x30, "OLM" }, { 0x31, "CRG" }, { 0x32, "NRM" }, { 0x33, "FAC" },
	{ 0x34, "UPT" }, { 0x35, "UPA" }, { 0x36, "IDR" }, { 0x37, "IRS" }, { 0x38, "SGM" },
	{ 0x40, "LOP" }, { 0x41, "APM" }, { 0x42, "PRI" }, { 0x43, "SDN" },
	{ 0, NULL }
};

/* Q.713 Table 1 */
static const struct value_string sccp_type_names[] = {
	{ 0x01, "CR" }, { 0x02, "CC" }, { 0x03, "CREF" }, { 0x04, "RLSD" }, { 0x05, "RLC" },
	{ 0x06, "DT1" }, { 0x07, "DT2" }, { 0x08, "AK" }, { 0x09, "UDT" }, { 0x0a, "UDTS" },
	{ 0x0b, "ED" }, { 0x0c, "EA" }, { 0x0d, "RSR" }, { 0x0e, "RSC" }, { 0x0f, "ERR" },
	{ 0x10, "IT" }, { 0x11, "XUDT" }, { 0x12, "XUDTS" }, { 0x13, "LUDT" }, { 0x14, "LUDTS" },
	{ 0, NULL }
};

static const char *vs_name(const struct value_string *vs, uint8_t v)
{
	for (; vs->str; vs++) {
		if (vs->value == v)
			return vs->str;
	}
	return NULL;
}

static int vs_value(const struct value_string *vs, const char *name)
{
	for (; vs->str; vs++) {
		if (!strcasecmp(vs->str, name))
			return vs->value;
	}
	return -1;
}

const char *sim_msg_type_name(uint8_t si, uint8_t type)
{
	switch (si) {
	case SIM_SI_ISUP:
		return vs_name(isup_type_names, type);
	case SIM_SI_SCCP:
		return vs_name(sccp_type_names, type);
	default:
		return NULL;
	}
}

int sim_msg_type_parse(const char *name, uint8_t *si)
{
	int isup = vs_value(isup_type_names, name), sccp = vs_value(sccp_type_names, name);
	char *end;
	long v;

	if (isup >= 0 && sccp >= 0)	/* RLC, RSC: the default SI decides */
		return *si == SIM_SI_SCCP ? sccp : isup;
	if (isup >= 0) {
		*si = SIM_SI_ISUP;
		return isup;
	}
	if (sccp >= 0) {
		*si = SIM_SI_SCCP;
		return sccp;
	}
	v = strtol(name, &end, 0);
	if (!*name || *end || v < 0 || v > 255)
		return -1;
	return v;
}

static const struct {
	const char *name;
	const char *hex;
} isup_canned[] = {
	{ "ACM", "06161400" },		/* BCI: charge, subscriber free, ordinary; ISUP all the way */
	{ "CON", "07161400" },
	{ "CPG", "2c0100" },		/* event: alerting */
	{ "ANM", "0900" },
	{ "REL", "0c0200028090" },	/* cause 16 normal call clearing, location user */
	{ "RLC", "1000" },
	{ "RSC", "12" },
	{ "GRS", "17010100" },		/* range 0: just this CIC */
	{ "BLO", "13" }, { "UBL", "14" }, { "BLA", "15" }, { "UBA", "16" },
};

int sim_isup_canned(const char *name, uint8_t *buf, size_t buf_len)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(isup_canned); i++) {
		if (!strcasecmp(isup_canned[i].name, name))
			return osmo_hexparse(isup_canned[i].hex, buf, buf_len);
	}
	return -1;
}

/* Called/Calling party number parameter body (Q.763 3.9, 3.10) without the length octet */
static int encode_number(uint8_t *out, size_t out_len, const char *num, uint8_t octet2)
{
	uint8_t noa = 3;	/* national (significant) number */
	size_t n, i;

	if (num[0] && num[1] == ':') {
		switch (num[0]) {
		case 'n': noa = 3; break;
		case 'i': noa = 4; break;
		case 's': noa = 1; break;
		case 'u': noa = 2; break;
		default: return -1;
		}
		num += 2;
	}
	n = strlen(num);
	if (n == 0 || n > 32 || out_len < 2 + (n + 1) / 2)
		return -1;
	out[0] = (n & 1 ? 0x80 : 0) | noa;
	out[1] = octet2;
	memset(out + 2, 0, (n + 1) / 2);
	for (i = 0; i < n; i++) {
		int d;

		if (!isxdigit((unsigned char)num[i]))
			return -1;
		d = isdigit((unsigned char)num[i]) ? num[i] - '0' : tolower((unsigned char)num[i]) - 'a' + 10;
		out[2 + i / 2] |= i & 1 ? d << 4 : d;
	}
	return 2 + (n + 1) / 2;
}

int sim_isup_build_iam(uint8_t *buf, size_t buf_len, const char *called, const char *calling)
{
	uint8_t cd[20], cg[20];
	int cd_len, cg_len = 0;
	size_t len;

	/* called: INN allowed (0), ISDN numbering plan */
	cd_len = encode_number(cd, sizeof(cd), called, 0x10);
	if (cd_len < 0)
		return -1;
	if (calling) {
		/* calling: NI complete, ISDN plan, presentation allowed, network provided */
		cg_len = encode_number(cg, sizeof(cg), calling, 0x13);
		if (cg_len < 0)
			return -1;
	}
	len = 8 + 1 + cd_len + (calling ? 2 + cg_len + 1 : 0);
	if (len > buf_len)
		return -1;
	buf[0] = 0x01;		/* IAM */
	buf[1] = 0x00;		/* nature of connection: no satellite, no continuity check */
	buf[2] = 0x20;		/* forward call: national call, ISUP all the way, ... */
	buf[3] = 0x01;		/* ... originating access ISDN */
	buf[4] = 0x0a;		/* calling party's category: ordinary subscriber */
	buf[5] = 0x00;		/* transmission medium: speech */
	buf[6] = 2;		/* pointer to the called party number */
	buf[7] = calling ? 2 + cd_len : 0;	/* pointer to the optional part */
	buf[8] = cd_len;
	memcpy(buf + 9, cd, cd_len);
	if (calling) {
		uint8_t *p = buf + 9 + cd_len;

		p[0] = 0x0a;	/* calling party number */
		p[1] = cg_len;
		memcpy(p + 2, cg, cg_len);
		p[2 + cg_len] = 0x00;	/* end of optional parameters */
	}
	return len;
}
