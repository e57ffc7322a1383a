/* np700's MTP attachment (src/m3ua.c) without SCTP: a cs7 instance built in C, messages to the
 * own point code, which libosmo-sigtran loops back to the registered MTP users. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/application.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>
#include <osmocom/sigtran/osmo_ss7.h>

#include <np700/logging.h>
#include <np700/m3ua.h>
#include <np700/np700.h>

static void *ctx;

static int rx_print(void *priv, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len)
{
	struct np700 *g = priv;
	char o[32];

	OSMO_STRLCPY_ARRAY(o, np700_mtp_pc_str(g, opc));
	printf("  rx: opc=%s dpc=%s sls=%u len=%zu data=%s%s\n", o, np700_mtp_pc_str(g, dpc), sls, len,
	       osmo_hexdump_nospc(data, len > 16 ? 16 : len), len > 16 ? "..." : "");
	return 0;
}

static int rx_refuse(void *priv, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len)
{
	printf("  rx (refusing): len=%zu\n", len);
	return -EBADMSG;
}

static void print_ctrs(struct np700 *g)
{
	struct rate_ctr_group *grp = np700_mtp_ctrg(g);
	unsigned int i;

	printf("  counters:");
	for (i = 0; i < grp->desc->num_ctr; i++) {
		uint64_t v = rate_ctr_group_get_ctr(grp, i)->current;

		if (v)
			printf(" %s=%" PRIu64, grp->desc->ctr_desc[i].name, v);
	}
	printf("\n");
}

static const char *rc_str(int rc)
{
	static char buf[32];

	switch (rc) {
	case 0: return "0";
	case -EINVAL: return "-EINVAL";
	case -ENOTCONN: return "-ENOTCONN";
	default:
		snprintf(buf, sizeof(buf), "%s", rc < 0 ? "negative" : "positive");
		return buf;
	}
}

static void test_no_instance(void)
{
	struct np700 *g = talloc_zero(ctx, struct np700);
	const uint8_t d[] = { 0x01, 0x00, 0x10, 0x00 };

	printf("%s\n", __func__);
	printf("  start: %s\n", rc_str(np700_mtp_start(g)));
	printf("  own pc invalid: %s\n", np700_mtp_own_pc(g) == OSMO_SS7_PC_INVALID ? "yes" : "no");
	printf("  tx: %s\n", rc_str(np700_mtp_tx(g, NP700_MTP_SI_ISUP, 1, 2, 0, d, sizeof(d))));
	print_ctrs(g);
	np700_mtp_stop(g);
	talloc_free(g);
}

static void test_loopback(void)
{
	struct np700 *g = talloc_zero(ctx, struct np700);
	struct osmo_ss7_instance *inst;
	struct osmo_ss7_as *as;
	uint32_t own, swa;
	/* an RLC on CIC 17, and an SCCP UDT-ish payload */
	const uint8_t rlc[] = { 0x11, 0x00, 0x10, 0x00 };
	const uint8_t udt[] = { 0x09, 0x80, 0x03, 0x05, 0x07 };
	uint8_t big[NP700_MTP_MAX_DATA + 1];

	printf("%s\n", __func__);
	memset(big, 0x55, sizeof(big));
	inst = osmo_ss7_instance_find_or_create(ctx, 0);
	own = osmo_ss7_pointcode_parse(inst, "1.1.1");
	swa = osmo_ss7_pointcode_parse(inst, "1.1.2");

	printf("  start without point-code: %s\n", rc_str(np700_mtp_start(g)));
	inst->cfg.primary_pc = own;
	inst->cfg.network_indicator = 2;
	printf("  start without AS: %s\n", rc_str(np700_mtp_start(g)));
	as = osmo_ss7_as_find_or_create(inst, "np700", OSMO_SS7_ASP_PROT_M3UA);
	as->cfg.routing_key.context = 1;
	as->cfg.routing_key.pc = own;

	printf("  register ISUP before start: %s\n",
	       rc_str(np700_mtp_register(g, NP700_MTP_SI_ISUP, rx_print, g)));
	printf("  start: %s\n", rc_str(np700_mtp_start(g)));
	printf("  own pc: %s\n", np700_mtp_pc_str(g, np700_mtp_own_pc(g)));
	printf("  default route: %s\n", osmo_ss7_route_find_dpc_mask(inst->rtable_system, 0, 0) ? "yes" : "no");
	printf("  start again (keeps one default route): %s\n", rc_str(np700_mtp_start(g)));

	printf("ISUP to the own PC is delivered locally\n");
	printf("  tx: %s\n", rc_str(np700_mtp_tx_isup(g, swa, own, 7, rlc, sizeof(rlc))));
	printf("SCCP without a handler is counted and dropped\n");
	printf("  tx: %s\n", rc_str(np700_mtp_tx_sccp(g, swa, own, 0, udt, sizeof(udt))));
	printf("a handler that refuses\n");
	np700_mtp_register(g, NP700_MTP_SI_SCCP, rx_refuse, NULL);
	printf("  tx: %s\n", rc_str(np700_mtp_tx_sccp(g, swa, own, 0, udt, sizeof(udt))));
	printf("an SI registered after start (TUP, 4)\n");
	printf("  register: %s\n", rc_str(np700_mtp_register(g, 4, rx_print, g)));
	printf("  tx: %s\n", rc_str(np700_mtp_tx(g, 4, swa, own, 1, rlc, sizeof(rlc))));
	printf("bad arguments\n");
	printf("  si 16: %s\n", rc_str(np700_mtp_tx(g, 16, own, own, 0, rlc, sizeof(rlc))));
	printf("  register si 16: %s\n", rc_str(np700_mtp_register(g, 16, rx_print, g)));
	printf("  len 0: %s\n", rc_str(np700_mtp_tx(g, 5, own, own, 0, rlc, 0)));
	printf("  NULL data: %s\n", rc_str(np700_mtp_tx(g, 5, own, own, 0, NULL, 4)));
	printf("  len %d: %s\n", NP700_MTP_MAX_DATA + 1, rc_str(np700_mtp_tx(g, 5, own, own, 0, big, sizeof(big))));
	printf("  len %d: %s\n", NP700_MTP_MAX_DATA,
	       np700_mtp_tx(g, 5, own, own, 0, big, NP700_MTP_MAX_DATA) == 0 ? "sent" : "refused");
	print_ctrs(g);

	printf("after stop nothing is delivered\n");
	np700_mtp_stop(g);
	np700_mtp_tx_isup(g, swa, own, 7, rlc, sizeof(rlc));
	print_ctrs(g);
	talloc_free(g);
}

int main(int argc, char **argv)
{
	ctx = talloc_named_const(NULL, 0, "m3ua_test");
	msgb_talloc_ctx_init(ctx, 0);
	osmo_init_logging2(ctx, &np700_log_info);
	log_set_print_timestamp(osmo_stderr_target, 0);
	log_set_use_color(osmo_stderr_target, 0);
	log_set_print_filename2(osmo_stderr_target, LOG_FILENAME_NONE);
	log_set_print_category(osmo_stderr_target, 1);
	log_set_category_filter(osmo_stderr_target, DISUP, 1, LOGL_DEBUG);
	log_set_category_filter(osmo_stderr_target, DSCCP, 1, LOGL_DEBUG);
	if (osmo_ss7_init() < 0)
		return 1;

	test_no_instance();
	test_loopback();
	printf("done\n");
	return 0;
}
