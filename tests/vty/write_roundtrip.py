#!/usr/bin/env python3
"""`write` produces a config that reloads to the same running config: start np700 with the
example config, change a few settings, `write file`, restart with the written file and compare
`show running-config` of both runs line by line."""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from osmo_vty import Vty  # noqa: E402
from vty_transcript import scratch_config  # noqa: E402


def run(np700, cfg, workdir, commands):
    log = open(os.path.join(workdir, 'np700-%d.log' % int(time.time() * 1000)), 'w')
    proc = subprocess.Popen([np700, '-c', cfg], stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
    try:
        vty = Vty('127.0.0.1', 4290)
        for c in commands:
            out = vty.cmd(c).split('\n')
            if any(l.startswith('%') for l in out):
                raise RuntimeError('command %r failed: %s' % (c, out))
        out = vty.cmd('show running-config').split('\n')
        return [l for l in out if not l.startswith('Current configuration')]
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--np700', required=True)
    ap.add_argument('--config', required=True)
    ap.add_argument('--commands', default='', help='file of config commands applied before write')
    args = ap.parse_args()
    np700 = os.path.abspath(args.np700)
    workdir = tempfile.mkdtemp(prefix='np700-write-')
    try:
        cfg = scratch_config(args.config, workdir, 4290)
        written = os.path.join(workdir, 'written.cfg')
        cmds = ['enable', 'configure terminal']
        if args.commands:
            cmds += [l.rstrip('\n') for l in open(args.commands) if l.strip() and not l.startswith('#')]
        cmds += ['end', 'write file ' + written]
        first = run(np700, cfg, workdir, cmds)
        second = run(np700, written, workdir, ['enable'])
        if first != second:
            import difflib
            print('running config differs after reload:')
            print('\n'.join(difflib.unified_diff(first, second, 'before write', 'after reload', lineterm='')))
            return 1
        print('write round trip ok (%d lines)' % len(first))
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
