/* np700: 700 number-protection signalling node — main program */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <osmocom/core/application.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/select.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/logging.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/ports.h>
#include <osmocom/vty/stats.h>
#include <osmocom/vty/telnet_interface.h>
#include <osmocom/vty/cpu_sched_vty.h>
#include <osmocom/sigtran/osmo_ss7.h>

#include <np700/clock.h>
#include <np700/np700.h>
#include <np700/logging.h>
#include <np700/vty.h>
#include <np700/config_check.h>
#include <np700/modules.h>
#include <np700/netaddr.h>

#define NP700_VTY_PORT	4290

struct np700 *g_np700;

static struct {
	const char *config_file;
	bool daemonize;
} cmdline = {
	.config_file = "np700.cfg",
};

static void print_help(void)
{
	printf("Usage: np700 [-c CONFIG] [-D] [-V]\n"
	       "  -h --help                  This text.\n"
	       "  -c --config-file FILE      The config file to use (default np700.cfg).\n"
	       "  -D --daemonize             Fork the process into a background daemon.\n"
	       "  -V --version               Print the version of np700.\n"
	       "     --vty-ref-xml           Generate the VTY reference XML output and exit.\n");
}

static struct vty_app_info vty_info = {
	.name = "np700",
	.version = PACKAGE_VERSION,
	.copyright = "np700: 700 number-protection signalling node\r\n",
	.go_parent_cb = np700_vty_go_parent,
	.is_config_node = np700_vty_is_config_node,
};

static void handle_options(int argc, char **argv)
{
	while (1) {
		int option_index = 0, c;
		static int long_option;
		static struct option long_options[] = {
			{ "help", 0, 0, 'h' },
			{ "config-file", 1, 0, 'c' },
			{ "daemonize", 0, 0, 'D' },
			{ "version", 0, 0, 'V' },
			{ "vty-ref-xml", 0, &long_option, 1 },
			{ 0, 0, 0, 0 }
		};

		c = getopt_long(argc, argv, "hc:DV", long_options, &option_index);
		if (c == -1)
			break;

		switch (c) {
		case 0:
			if (long_option == 1) {
				vty_dump_xml_ref_mode(stdout, VTY_REF_GEN_MODE_DEFAULT);
				exit(0);
			}
			break;
		case 'h':
			print_help();
			exit(0);
		case 'c':
			cmdline.config_file = optarg;
			break;
		case 'D':
			cmdline.daemonize = true;
			break;
		case 'V':
			print_version(1);
			exit(0);
		default:
			print_help();
			exit(2);
		}
	}
	if (argc > optind) {
		fprintf(stderr, "Unsupported positional argument: %s\n", argv[optind]);
		exit(2);
	}
}

static volatile sig_atomic_t quit, reopen;

static void signal_handler(int signum)
{
	switch (signum) {
	case SIGINT:
	case SIGTERM:
		quit++;
		break;
	case SIGHUP:
		/* acted upon in the main loop: reopening files is not async-signal-safe */
		reopen++;
		break;
	case SIGABRT:
		/* in case of abort, dump talloc report and re-raise */
		osmo_generate_backtrace();
		talloc_report_full(g_np700->ctx, stderr);
		signal(SIGABRT, SIG_DFL);
		raise(SIGABRT);
		break;
	case SIGUSR1:
		talloc_report(g_np700->ctx, stderr);
		break;
	default:
		break;
	}
}

int main(int argc, char **argv)
{
	void *tall_ctx;
	int rc;

	tall_ctx = talloc_named_const(NULL, 1, "np700");
	msgb_talloc_ctx_init(tall_ctx, 0);
	vty_info.tall_ctx = tall_ctx;

	g_np700 = talloc_zero(tall_ctx, struct np700);
	g_np700->ctx = tall_ctx;
	np700_modules_defaults(g_np700);

	osmo_init_logging2(tall_ctx, &np700_log_info);
	osmo_stats_init(tall_ctx);
	vty_init(&vty_info);
	logging_vty_add_cmds();
	osmo_talloc_vty_add_cmds();
	osmo_stats_vty_add_cmds();
	osmo_cpu_sched_vty_init(tall_ctx);

	rc = osmo_ss7_init();
	if (rc < 0) {
		fprintf(stderr, "osmo_ss7_init() failed: %d\n", rc);
		exit(1);
	}
	osmo_ss7_vty_init_asp(tall_ctx);
	np700_modules_vty_init(g_np700);

	handle_options(argc, argv);

	/* before the VTY listens: a SIGTERM as soon as np700 is seen to be up must stop it cleanly
	 * (the main loop is not entered then), not kill it */
	signal(SIGINT, &signal_handler);
	signal(SIGTERM, &signal_handler);
	signal(SIGHUP, &signal_handler);
	signal(SIGABRT, &signal_handler);
	signal(SIGUSR1, &signal_handler);
	signal(SIGPIPE, SIG_IGN);
	osmo_init_ignore_signals();

	rc = np700_config_check_indent(cmdline.config_file);
	if (rc == 0)
		rc = vty_read_config_file(cmdline.config_file, NULL);
	if (rc < 0) {
		LOGP(DMAIN, LOGL_FATAL, "Failed to parse the config file: '%s'\n", cmdline.config_file);
		exit(1);
	}

	rc = telnet_init_default(tall_ctx, g_np700, NP700_VTY_PORT);
	if (rc < 0) {
		LOGP(DMAIN, LOGL_FATAL, "Cannot start the VTY on port %d\n", NP700_VTY_PORT);
		exit(1);
	}
	/* the VTY asks for no password ("no login"): whoever reaches it controls np700 */
	if (!np700_addr_is_loopback(vty_get_bind_addr()))
		LOGP(DMAIN, LOGL_ERROR, "VTY listens on %s:%d, not a loopback address: anyone who can reach it "
		     "can reconfigure np700\n", vty_get_bind_addr(), vty_get_bind_port(NP700_VTY_PORT));

	rc = np700_modules_start(g_np700);
	if (rc < 0) {
		LOGP(DMAIN, LOGL_FATAL, "Start-up failed: %s\n", strerror(-rc));
		exit(1);
	}

	if (cmdline.daemonize) {
		rc = osmo_daemonize();
		if (rc < 0) {
			perror("Error during daemonize");
			exit(1);
		}
	}

	LOGP(DMAIN, LOGL_NOTICE, "np700 %s started\n", PACKAGE_VERSION);
	np700_clock_cache(true);
	while (!quit) {
		np700_clock_tick();
		osmo_select_main_ctx(0);
		if (reopen) {
			reopen = 0;
			LOGP(DMAIN, LOGL_NOTICE, "SIGHUP: reopening log and record files\n");
			log_targets_reopen();
			np700_modules_reopen(g_np700);
		}
	}

	np700_clock_cache(false);
	LOGP(DMAIN, LOGL_NOTICE, "np700 exiting on signal\n");
	np700_modules_stop(g_np700);
	/* the VTY's sockets are in libosmocore's global list: close them before the memory goes */
	telnet_exit();
	log_fini();
	talloc_free(tall_ctx);
	return 0;
}
