/*! \file config_check.h
 *  Checks on the config file before libosmocore reads it. */
#pragma once

/*! Refuse (log and \returns -EINVAL) a config file whose first command is indented: libosmocore's
 *  config_from_file() (1.7 and later) loops for ever when a later line is indented less.
 *  \returns 0 also if the file cannot be opened (vty_read_config_file() reports that). */
int np700_config_check_indent(const char *path);
