/*! \file netaddr.h
 *  Listening addresses: the VTY and provisioning are meant for the local host (issue 6). */
#pragma once

#include <stdbool.h>

/*! \returns true if \a addr is a loopback address (127.0.0.0/8, ::1, ::ffff:127.x.y.z); false for
 *  anything else, including 0.0.0.0, ::, names and unparseable text. */
bool np700_addr_is_loopback(const char *addr);
