#!/usr/bin/env python3
"""Run VTY commands on an Osmocom program (osmo-stp, np700) and print their answers.

    vty_cmd.py [--host 127.0.0.1] [--timeout 10] PORT COMMAND...

Each COMMAND is sent after the previous answer is complete (osmo-stp's VTY answers one command at
a time); its output is printed without the echo and the prompt. Waits up to --timeout seconds for
the VTY to accept the connection. Exit 1 if it never does or an answer does not come."""

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'vty'))
from osmo_vty import Vty  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--host', default='127.0.0.1')
    ap.add_argument('--timeout', type=float, default=10)
    ap.add_argument('port', type=int)
    ap.add_argument('commands', nargs='+')
    args = ap.parse_args()
    try:
        vty = Vty(args.host, args.port, args.timeout)
        for c in args.commands:
            out = vty.cmd(c)
            if out:
                print(out)
    except (OSError, EOFError) as e:
        print('vty_cmd.py: %s:%d: %s' % (args.host, args.port, e), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    try:
        rc = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader (head, awk) has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        rc = 0
    sys.exit(rc)
