/*! \file logging.h
 *  np700's logging categories. */
#pragma once

#include <osmocom/core/logging.h>

enum {
	DMAIN,		/*!< daemon, configuration */
	DSTORE,		/*!< LMDB binding store */
	DDECIDE,	/*!< decisions: authentication control, translation, fraud */
	DNB,		/*!< northbound provisioning protocol */
	DISUP,		/*!< ISUP relay */
	DSCCP,		/*!< SCCP relay */
	DMAP,		/*!< TCAP/MAP, SMS router */
	DCDR,		/*!< call and usage records */
	_NP700_LOG_NUM
};

extern const struct log_info np700_log_info;
