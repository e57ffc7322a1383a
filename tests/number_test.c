/* numbering plan: protected range recognition and E.164 normalisation */
#include <stdio.h>
#include <np700/number.h>

static const char *nat_name(enum np700_nature n)
{
	static const char *names[] = { "unknown", "subscriber", "national", "international" };
	return names[n];
}

static void t_prot(const char *d, enum np700_nature nat)
{
	char out[32] = "";
	int rc = np700_protected_normalise(&np700_numplan_default, d, nat, out, sizeof(out));
	printf("protected(%s, %s) = %d '%s'\n", d, nat_name(nat), rc, rc == 1 ? out : "");
}

static void t_real(const char *d, enum np700_nature nat)
{
	char out[32] = "";
	int rc = np700_real_normalise(&np700_numplan_default, d, nat, out, sizeof(out));
	printf("real(%s, %s) = %d '%s'\n", d, nat_name(nat), rc, rc == 0 ? out : "");
}

static void t_fmt(const char *e164, bool intl)
{
	char out[32];
	enum np700_nature n = np700_real_format(&np700_numplan_default, e164, intl, out, sizeof(out));
	printf("format(%s, %s) = %s '%s'\n", e164, intl ? "intl" : "national", nat_name(n), out);
}

int main(void)
{
	t_prot("700123456789012", NP700_NAT_NATIONAL);
	t_prot("86700123456789012", NP700_NAT_INTERNATIONAL);
	t_prot("0086700123456789012", NP700_NAT_UNKNOWN);
	t_prot("0700123456789012", NP700_NAT_UNKNOWN);
	t_prot("70012345678901", NP700_NAT_NATIONAL);
	t_prot("7001234567890123", NP700_NAT_NATIONAL);
	t_prot("13800138000", NP700_NAT_NATIONAL);
	t_prot("44700123456789012", NP700_NAT_INTERNATIONAL);
	t_prot("70012345678901x", NP700_NAT_NATIONAL);
	t_prot("", NP700_NAT_NATIONAL);

	t_real("13800138000", NP700_NAT_NATIONAL);
	t_real("8613800138000", NP700_NAT_INTERNATIONAL);
	t_real("008613800138000", NP700_NAT_UNKNOWN);
	t_real("013800138000", NP700_NAT_UNKNOWN);
	t_real("447700900123", NP700_NAT_INTERNATIONAL);
	t_real("1234567890123456", NP700_NAT_INTERNATIONAL);
	t_real("123", NP700_NAT_NATIONAL);
	t_real("13800a38000", NP700_NAT_NATIONAL);

	t_fmt("8613800138000", false);
	t_fmt("8613800138000", true);
	t_fmt("447700900123", false);
	return 0;
}
