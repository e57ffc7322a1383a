/* VTY of the call records: "records" node and "show records" */
#include <stdlib.h>

#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include <np700/cdr.h>
#include <np700/np700.h>
#include <np700/vty.h>

static struct cmd_node cdr_node = {
	CDR_NODE,
	"%s(config-records)# ",
	1,
};

DEFUN(cfg_records, cfg_records_cmd, "records", "Configure call and usage records\n")
{
	vty->node = CDR_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_rec_dir, cfg_rec_dir_cmd, "directory PATH",
      "Directory of the daily record files\n" "Path\n")
{
	cdr_writer_set_dir(g_np700->cdr, argv[0]);
	osmo_talloc_replace_string(g_np700, &g_np700->cdr_cfg.dir, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_rec_ret, cfg_rec_ret_cmd, "retention-days <730-36500>",
      "How long record files are kept (the regulation asks for at least two years)\n" "Days\n")
{
	g_np700->cdr_cfg.retention_days = atoi(argv[0]);
	cdr_writer_set_retention(g_np700->cdr, g_np700->cdr_cfg.retention_days);
	return CMD_SUCCESS;
}

DEFUN(show_records, show_records_cmd, "show records",
      SHOW_STR "Call and usage records\n")
{
	struct cdr_writer_stats s;

	cdr_writer_get_stats(g_np700->cdr, &s);
	vty_out(vty, "Directory: %s, retention %u days%s", g_np700->cdr_cfg.dir, g_np700->cdr_cfg.retention_days,
		VTY_NEWLINE);
	vty_out(vty, "Current file: %s%s", s.current_file[0] ? s.current_file : "(none yet)", VTY_NEWLINE);
	vty_out(vty, "Records written: %llu, lost: %llu, files removed: %llu%s", (unsigned long long)s.written,
		(unsigned long long)s.lost, (unsigned long long)s.files_removed, VTY_NEWLINE);
	return CMD_SUCCESS;
}

static int config_write_records(struct vty *vty)
{
	vty_out(vty, "records%s", VTY_NEWLINE);
	vty_out(vty, " directory %s%s", g_np700->cdr_cfg.dir, VTY_NEWLINE);
	vty_out(vty, " retention-days %u%s", g_np700->cdr_cfg.retention_days, VTY_NEWLINE);
	return CMD_SUCCESS;
}

void cdr_vty_init(void)
{
	install_element(CONFIG_NODE, &cfg_records_cmd);
	install_node(&cdr_node, config_write_records);
	install_element(CDR_NODE, &cfg_rec_dir_cmd);
	install_element(CDR_NODE, &cfg_rec_ret_cmd);
	install_element_ve(&show_records_cmd);
}
