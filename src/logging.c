/* np700 logging categories */
#include <osmocom/core/utils.h>
#include <np700/logging.h>

static const struct log_info_cat np700_log_cat[] = {
	[DMAIN] = { .name = "DMAIN", .description = "Main program, configuration",
		    .color = "\033[1;35m", .enabled = 1, .loglevel = LOGL_NOTICE },
	[DSTORE] = { .name = "DSTORE", .description = "LMDB binding store",
		     .enabled = 1, .loglevel = LOGL_NOTICE },
	[DDECIDE] = { .name = "DDECIDE", .description = "Authentication control and number translation",
		      .enabled = 1, .loglevel = LOGL_NOTICE },
	[DNB] = { .name = "DNB", .description = "Northbound provisioning protocol",
		  .enabled = 1, .loglevel = LOGL_NOTICE },
	[DISUP] = { .name = "DISUP", .description = "ISUP relay",
		    .enabled = 1, .loglevel = LOGL_NOTICE },
	[DSCCP] = { .name = "DSCCP", .description = "SCCP relay and GT routing",
		    .enabled = 1, .loglevel = LOGL_NOTICE },
	[DMAP] = { .name = "DMAP", .description = "TCAP/MAP and SMS router",
		   .enabled = 1, .loglevel = LOGL_NOTICE },
	[DCDR] = { .name = "DCDR", .description = "Call and usage records",
		   .enabled = 1, .loglevel = LOGL_NOTICE },
};

const struct log_info np700_log_info = {
	.cat = np700_log_cat,
	.num_cat = ARRAY_SIZE(np700_log_cat),
};
