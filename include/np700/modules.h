/*! \file modules.h
 *  The daemon's life cycle, module by module (src/np700_modules.c). */
#pragma once

struct np700;

/*! Fill configuration defaults before the config file is read. */
void np700_modules_defaults(struct np700 *g);
/*! Install every module's VTY nodes and commands. */
void np700_modules_vty_init(struct np700 *g);
/*! After the config was read: open the store, start servers and signalling. */
int np700_modules_start(struct np700 *g);
/*! SIGTERM: stop servers, close the store cleanly. */
void np700_modules_stop(struct np700 *g);
/*! SIGHUP: reopen record files. */
void np700_modules_reopen(struct np700 *g);
