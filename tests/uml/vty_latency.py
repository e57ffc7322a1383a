#!/usr/bin/env python3
"""VTY response time under load (tests/uml/overload_test.sh): one connection, COMMAND every
INTERVAL seconds for DURATION seconds; prints each round trip in ms, then "max=MS n=N".

  vty_latency.py PORT DURATION INTERVAL COMMAND
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'vty'))
from osmo_vty import Vty  # noqa: E402


def main(argv):
    port, duration, interval, cmd = int(argv[1]), float(argv[2]), float(argv[3]), argv[4]
    vty = Vty('127.0.0.1', port, 10)
    end = time.monotonic() + duration
    times = []
    while time.monotonic() < end:
        t0 = time.monotonic()
        vty.cmd(cmd)
        ms = (time.monotonic() - t0) * 1000
        times.append(ms)
        print('%.1f' % ms, flush=True)
        time.sleep(interval)
    print('max=%.0f n=%d' % (max(times) if times else -1, len(times)), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
