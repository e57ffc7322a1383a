/* Checks on the config file before libosmocore reads it */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>

#include <osmocom/core/logging.h>
#include <osmocom/vty/vty.h>

#include <np700/config_check.h>
#include <np700/logging.h>

int np700_config_check_indent(const char *path)
{
	char line[VTY_BUFSIZ];
	unsigned int n = 0;
	const char *c;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	/* read as config_from_file() does: fgets() of VTY_BUFSIZ, '!' and '#' begin comments */
	while (fgets(line, sizeof(line), f)) {
		n++;
		for (c = line; *c && isspace((unsigned char)*c); c++)
			;
		if (!*c || *c == '!' || *c == '#')
			continue;
		fclose(f);
		if (c == line)
			return 0;
		LOGP(DMAIN, LOGL_FATAL, "%s line %u: the first command must not be indented\n", path, n);
		return -EINVAL;
	}
	fclose(f);
	return 0;
}
