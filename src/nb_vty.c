/* VTY of the provisioning server: listen address, clients (unit name, sources, customers) */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <osmocom/core/talloc.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include <np700/logging.h>
#include <np700/nb_server.h>
#include <np700/np700.h>
#include <np700/vty.h>

static struct cmd_node nb_node = {
	NB_NODE,
	"%s(config-provisioning)# ",
	1,
};

static struct cmd_node nb_client_node = {
	NB_CLIENT_NODE,
	"%s(config-provisioning-client)# ",
	1,
};

#define PROV_STR "Northbound provisioning server\n"

DEFUN(cfg_nb, cfg_nb_cmd, "provisioning", PROV_STR)
{
	vty->node = NB_NODE;
	return CMD_SUCCESS;
}

/* The commands taking an IPv4 address read and refuse it alike. */
static int parse_addr(struct vty *vty, const char *arg, struct in_addr *a)
{
	if (inet_pton(AF_INET, arg, a) != 1) {
		vty_out(vty, "%% Invalid address '%s'%s", arg, VTY_NEWLINE);
		return -EINVAL;
	}
	return 0;
}

DEFUN(cfg_nb_bind, cfg_nb_bind_cmd, "bind A.B.C.D [<1-65535>]",
      "Where the server listens (default 127.0.0.1 4292)\n" "IPv4 address\n" "TCP port\n")
{
	struct nb_server *nb = g_np700->nb;
	struct in_addr a;

	if (parse_addr(vty, argv[0], &a) < 0)
		return CMD_WARNING;
	osmo_talloc_replace_string(nb, &nb->bind_addr, argv[0]);
	nb->port = argc > 1 ? atoi(argv[1]) : NB_DEFAULT_PORT;
	if (nb_server_rebind(nb) < 0) {
		vty_out(vty, "%% Cannot listen on %s:%u%s", nb->bind_addr, nb->port, VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_nb_batch, cfg_nb_batch_cmd, "batch-max <1-4096>",
      "Most requests of one connection per store transaction (default 1024; a batch holds the event loop)\n"
      "Requests\n")
{
	g_np700->nb->batch_max = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_nb_client, cfg_nb_client_cmd, "client NAME",
      "A provisioning client, by the unit name it identifies with\n" "IPA CCM unit name\n")
{
	struct nb_server *nb = g_np700->nb;
	struct nb_client_cfg *cc;
	size_t i, len = strlen(argv[0]);

	if (len < 1 || len > 63) {
		vty_out(vty, "%% Unit name must be 1..63 characters%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	for (i = 0; i < len; i++) {
		if (argv[0][i] < 0x21 || argv[0][i] > 0x7e) {
			vty_out(vty, "%% Unit name must be printable ASCII without spaces%s", VTY_NEWLINE);
			return CMD_WARNING;
		}
	}
	cc = nb_client_cfg_find(nb, argv[0]);
	if (!cc)
		cc = nb_client_cfg_alloc(nb, argv[0]);
	vty->index = cc;
	vty->node = NB_CLIENT_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_nb_no_client, cfg_nb_no_client_cmd, "no client NAME",
      NO_STR "Remove a provisioning client and close its connections\n" "IPA CCM unit name\n")
{
	struct nb_client_cfg *cc = nb_client_cfg_find(g_np700->nb, argv[0]);

	if (!cc) {
		vty_out(vty, "%% No client '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	nb_client_cfg_free(cc);
	return CMD_SUCCESS;
}

DEFUN(cfg_nbc_source, cfg_nbc_source_cmd, "source A.B.C.D",
      "Allow the client to connect from this address (several allowed)\n" "IPv4 address\n")
{
	struct nb_client_cfg *cc = vty->index;
	struct in_addr a;
	unsigned int i;

	if (parse_addr(vty, argv[0], &a) < 0)
		return CMD_WARNING;
	for (i = 0; i < cc->num_sources; i++) {
		if (cc->sources[i].s_addr == a.s_addr)
			return CMD_SUCCESS;
	}
	if (cc->num_sources >= NB_CLIENT_MAX_SOURCES) {
		vty_out(vty, "%% At most %u sources per client%s", NB_CLIENT_MAX_SOURCES, VTY_NEWLINE);
		return CMD_WARNING;
	}
	cc->sources[cc->num_sources++] = a;
	return CMD_SUCCESS;
}

/* Drop element \a i of an array of \a *n elements of \a size bytes, keeping the order of the
 * others (the configuration is written back in the order it was given). */
static void array_del(void *arr, unsigned int *n, size_t size, unsigned int i)
{
	uint8_t *p = arr;

	memmove(p + i * size, p + (i + 1) * size, (*n - i - 1) * size);
	(*n)--;
}

DEFUN(cfg_nbc_no_source, cfg_nbc_no_source_cmd, "no source A.B.C.D",
      NO_STR "Do not allow this source address any more (its connections are closed)\n" "IPv4 address\n")
{
	struct nb_client_cfg *cc = vty->index;
	struct in_addr a;
	unsigned int i;

	if (parse_addr(vty, argv[0], &a) < 0)
		return CMD_WARNING;
	for (i = 0; i < cc->num_sources; i++) {
		if (cc->sources[i].s_addr != a.s_addr)
			continue;
		array_del(cc->sources, &cc->num_sources, sizeof(cc->sources[0]), i);
		nb_server_recheck_conns(cc->nb, cc);
		return CMD_SUCCESS;
	}
	vty_out(vty, "%% Source %s is not configured%s", argv[0], VTY_NEWLINE);
	return CMD_WARNING;
}

static int parse_customer(struct vty *vty, const char *arg, uint32_t *id)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || v > UINT32_MAX) {
		vty_out(vty, "%% Invalid customer id '%s'%s", arg, VTY_NEWLINE);
		return -EINVAL;
	}
	*id = v;
	return 0;
}

DEFUN(cfg_nbc_customer, cfg_nbc_customer_cmd, "customer <0-4294967295>",
      "Allow the client to provision this customer's bindings (several allowed)\n" "Customer id\n")
{
	struct nb_client_cfg *cc = vty->index;
	uint32_t id;

	if (parse_customer(vty, argv[0], &id) < 0)
		return CMD_WARNING;
	if (nb_client_cfg_customer_allowed(cc, id))
		return CMD_SUCCESS;
	if (cc->num_customers >= NB_CLIENT_MAX_CUSTOMERS) {
		vty_out(vty, "%% At most %u customers per client%s", NB_CLIENT_MAX_CUSTOMERS, VTY_NEWLINE);
		return CMD_WARNING;
	}
	cc->customers[cc->num_customers++] = id;
	return CMD_SUCCESS;
}

DEFUN(cfg_nbc_no_customer, cfg_nbc_no_customer_cmd, "no customer <0-4294967295>",
      NO_STR "Do not allow this customer any more\n" "Customer id\n")
{
	struct nb_client_cfg *cc = vty->index;
	uint32_t id;
	unsigned int i;

	if (parse_customer(vty, argv[0], &id) < 0)
		return CMD_WARNING;
	for (i = 0; i < cc->num_customers; i++) {
		if (cc->customers[i] != id)
			continue;
		array_del(cc->customers, &cc->num_customers, sizeof(cc->customers[0]), i);
		return CMD_SUCCESS;
	}
	vty_out(vty, "%% Customer %s is not configured for this client%s", argv[0], VTY_NEWLINE);
	return CMD_WARNING;
}

DEFUN(show_nb_clients, show_nb_clients_cmd, "show provisioning clients",
      SHOW_STR PROV_STR "Configured clients, their counters and the open connections\n")
{
	nb_server_vty_show_clients(vty, g_np700->nb);
	return CMD_SUCCESS;
}

static int config_write_nb(struct vty *vty)
{
	struct nb_server *nb = g_np700->nb;
	struct nb_client_cfg *cc;
	unsigned int i;
	char buf[INET_ADDRSTRLEN];

	vty_out(vty, "provisioning%s", VTY_NEWLINE);
	vty_out(vty, " bind %s %u%s", nb->bind_addr, nb->port, VTY_NEWLINE);
	vty_out(vty, " batch-max %u%s", nb->batch_max, VTY_NEWLINE);
	llist_for_each_entry(cc, &nb->clients, list) {
		vty_out(vty, " client %s%s", cc->name, VTY_NEWLINE);
		for (i = 0; i < cc->num_sources; i++)
			vty_out(vty, "  source %s%s", inet_ntop(AF_INET, &cc->sources[i], buf, sizeof(buf)),
				VTY_NEWLINE);
		for (i = 0; i < cc->num_customers; i++)
			vty_out(vty, "  customer %u%s", cc->customers[i], VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

void nb_vty_init(struct np700 *g)
{
	install_element(CONFIG_NODE, &cfg_nb_cmd);
	install_node(&nb_node, config_write_nb);
	install_element(NB_NODE, &cfg_nb_bind_cmd);
	install_element(NB_NODE, &cfg_nb_batch_cmd);
	install_element(NB_NODE, &cfg_nb_client_cmd);
	install_element(NB_NODE, &cfg_nb_no_client_cmd);
	install_node(&nb_client_node, NULL);
	install_element(NB_CLIENT_NODE, &cfg_nbc_source_cmd);
	install_element(NB_CLIENT_NODE, &cfg_nbc_no_source_cmd);
	install_element(NB_CLIENT_NODE, &cfg_nbc_customer_cmd);
	install_element(NB_CLIENT_NODE, &cfg_nbc_no_customer_cmd);
	install_element_ve(&show_nb_clients_cmd);
}
