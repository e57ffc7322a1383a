/* libFuzzer target for the configuration file: the input is read as np700.cfg with every np700 VTY
 * node installed (the modules allocated as in the daemon, nothing started: no store, no socket).
 * Properties checked (abort on violation):
 *  - a config that is accepted, written out ("write terminal") and read again into fresh modules
 *    is accepted again and writes out the same text (write and read are each other's inverse);
 *  - freeing the modules returns every talloc block np700 took (no leak into long-lived contexts;
 *    LeakSanitizer sees plain malloc leaks).
 * Each input starts from freshly allocated modules, so a crash reproduces alone. libosmocore's own
 * settings (hostname, "line vty" bind, passwords) are global and not reset; np700 does not read them.
 *
 * Not installed: libosmo-sigtran's cs7 nodes (an ASP starts connecting when its node is left),
 * logging and stats (they open files and sockets). Lines that would write files or stop the process
 * ("write file PATH", "copy running-config startup-config", "shutdown", after "end") make the input
 * uninteresting instead, as does an indented first command (libosmocore loops for ever on it).
 * NP700_FUZZ_VERBOSE=1 prints the commands' warnings, where a config was refused and what was
 * written. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/vty/buffer.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vector.h>
#include <osmocom/vty/vty.h>

#include <np700/logging.h>
#include <np700/modules.h>
#include <np700/np700.h>
#include <np700/vty.h>

/* np700_main.c is not in a library */
struct np700 *g_np700;

static void *root;
/* NP700_FUZZ_VERBOSE=1: the commands' warnings and the written config on stderr (reproducers) */
static bool verbose;

static struct vty_app_info vty_info = {
	.name = "np700",
	.version = "fuzz",
	.go_parent_cb = np700_vty_go_parent,
};

static struct np700 *np700_alloc(void)
{
	struct np700 *g = talloc_zero(root, struct np700);

	g->ctx = root;
	np700_modules_defaults(g);
	return g;
}

/* A line whose first word abbreviates one of these would touch the file system or the process. */
static bool line_forbidden(const char *l, size_t len)
{
	static const char *const words[] = { "write", "copy", "shutdown" };
	const char *end = l + len;
	size_t i, n;

	while (l < end && isspace((unsigned char)*l))
		l++;
	for (n = 0; l + n < end && l[n] && !isspace((unsigned char)l[n]); n++)
		;
	for (i = 0; n && i < ARRAY_SIZE(words); i++) {
		if (n <= strlen(words[i]) && !strncasecmp(l, words[i], n))
			return true;
	}
	return false;
}

/* libosmocore 1.7 (and later) loops for ever in config_from_file() when the first command is
 * indented and a later line is indented less: vty_go_parent() on CONFIG_NODE keeps the indent. */
static bool input_forbidden(const char *d, size_t len)
{
	const char *end = d + len, *nl, *cmd;
	bool first = true;

	for (; d < end; d = nl + 1) {
		nl = memchr(d, '\n', end - d);
		if (!nl)
			nl = end;
		/* fgets() would cut a longer line in two, the second half a command of its own */
		if (nl - d >= VTY_BUFSIZ - 1 || line_forbidden(d, nl - d))
			return true;
		for (cmd = d; cmd < nl && isspace((unsigned char)*cmd); cmd++)
			;
		if (cmd == nl || *cmd == '!' || *cmd == '#' || *cmd == '\0')
			continue;
		if (first && cmd != d)
			return true;
		first = false;
	}
	return false;
}

/* A vty that reads from a file and whose output (warnings) is thrown away. */
static struct vty *file_vty(void)
{
	struct vty *vty = vty_new();

	vty->type = VTY_FILE;
	vty->node = CONFIG_NODE;
	vty->fd = verbose ? 2 : -1;
	return vty;
}

static void file_vty_close(struct vty *vty)
{
	if (!verbose)
		buffer_reset(vty->obuf);
	vty_close(vty);
}

/* \returns 0 if the whole text was accepted */
static int read_config(const char *text, size_t len)
{
	FILE *f = fmemopen((void *)text, len, "r");
	struct vty *vty;
	int rc;

	if (!f)
		abort();
	vty = file_vty();
	rc = config_from_file(vty, f);
	if (verbose && rc != CMD_SUCCESS)
		fprintf(stderr, "refused (%d) at: %s\n", rc, vty->buf);
	file_vty_close(vty);
	fclose(f);
	return rc == CMD_SUCCESS ? 0 : -1;
}

/* The running config as "write terminal" prints it, without its two header lines; talloc'd on root. */
static char *write_config(void)
{
	static const char head[] = "\nCurrent configuration:\n!\n";
	struct vty *vty = file_vty();
	vector v = cmd_make_strvec("write terminal");
	char *out, *text;

	vty->node = ENABLE_NODE;
	if (cmd_execute_command(v, vty, NULL, 0) != CMD_SUCCESS)
		abort();
	cmd_free_strvec(v);
	out = buffer_getstr(vty->obuf);
	if (!out || strncmp(out, head, strlen(head)))
		abort();
	text = talloc_strdup(root, out + strlen(head));
	talloc_free(out);
	buffer_reset(vty->obuf);
	if (verbose)
		fprintf(stderr, "written:\n%s", text);
	file_vty_close(vty);
	return text;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	root = talloc_named_const(NULL, 0, "vty_fuzz");
	verbose = getenv("NP700_FUZZ_VERBOSE");
	/* categories without a target: what the commands log costs nothing */
	log_init(&np700_log_info, root);
	vty_info.tall_ctx = root;
	vty_init(&vty_info);
	g_np700 = np700_alloc();
	np700_modules_vty_init(g_np700);
	talloc_free(g_np700);
	g_np700 = NULL;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t blocks = talloc_total_blocks(root);
	char *w1, *w2;

	if (input_forbidden((const char *)data, size))
		return -1;
	g_np700 = np700_alloc();
	if (read_config((const char *)data, size) < 0) {
		talloc_free(g_np700);
		g_np700 = NULL;
		goto out;
	}
	w1 = write_config();
	talloc_free(g_np700);

	/* what was written reads back into the same configuration */
	g_np700 = np700_alloc();
	if (read_config(w1, strlen(w1)) < 0) {
		fprintf(stderr, "written config not accepted:\n%s", w1);
		abort();
	}
	w2 = write_config();
	if (strcmp(w1, w2)) {
		fprintf(stderr, "written config changed on reading it back:\n--- first\n%s--- second\n%s", w1, w2);
		abort();
	}
	talloc_free(w1);
	talloc_free(w2);
	talloc_free(g_np700);
	g_np700 = NULL;
out:
	if (talloc_total_blocks(root) != blocks) {
		fprintf(stderr, "talloc blocks %zu before, %zu after\n", blocks, talloc_total_blocks(root));
		talloc_report_full(root, stderr);
		abort();
	}
	return 0;
}
