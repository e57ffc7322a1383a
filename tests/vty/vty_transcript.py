#!/usr/bin/env python3
"""Replay a VTY transcript (.vty) against a freshly started np700 and compare its answers.

A transcript is a sequence of command lines, each starting with a prompt as the VTY shows it
("np700> ", "np700# ", "np700(config-np700)# "), followed by the expected output lines. A line
"..." matches any number of lines. Blank lines between blocks are ignored. np700 runs with the
given config, its store moved to a scratch directory."""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from osmo_vty import Vty  # noqa: E402

CMD_RE = re.compile(r'^([\w.-]+(?:\([\w.\-]+\))?[>#] )(.*)$')


def parse_transcript(path):
    blocks = []
    with open(path) as f:
        for raw in f:
            line = raw.rstrip('\n')
            m = CMD_RE.match(line)
            if m:
                blocks.append((m.group(1), m.group(2), []))
            elif blocks:
                blocks[-1][2].append(line)
    # trailing blank lines of each block are layout, not output
    out = []
    for prompt, cmd, exp in blocks:
        while exp and exp[-1] == '':
            exp.pop()
        out.append((prompt, cmd, exp))
    return out


def match(expected, actual):
    """Match with '...' as a wildcard for any number of lines."""
    if not expected:
        return not actual
    if expected[0] == '...':
        return any(match(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    if not actual:
        return False
    return expected[0].rstrip() == actual[0].rstrip() and match(expected[1:], actual[1:])


def scratch_config(src, workdir, port):
    with open(src) as f:
        cfg = f.read()
    cfg = re.sub(r'(?m)^( store path ).*$', r'\g<1>' + os.path.join(workdir, 'store'), cfg)
    cfg = re.sub(r'(?m)^( records directory ).*$', r'\g<1>' + os.path.join(workdir, 'records'), cfg)
    path = os.path.join(workdir, 'np700.cfg')
    with open(path, 'w') as f:
        f.write(cfg)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--np700', required=True)
    ap.add_argument('--config', required=True)
    ap.add_argument('--port', type=int, default=4290)
    ap.add_argument('transcript')
    args = ap.parse_args()

    workdir = tempfile.mkdtemp(prefix='np700-vty-')
    cfg = scratch_config(args.config, workdir, args.port)
    log = open(os.path.join(workdir, 'np700.log'), 'w')
    proc = subprocess.Popen([os.path.abspath(args.np700), '-c', cfg], stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
    failures = 0
    try:
        vty = Vty('127.0.0.1', args.port)
        for prompt, cmd, exp in parse_transcript(args.transcript):
            out = vty.cmd(cmd)
            actual = out.split('\n') if out else []
            if not match(exp, actual):
                failures += 1
                print('MISMATCH at %s%s' % (prompt, cmd))
                print('  expected:\n    ' + '\n    '.join(exp))
                print('  actual:\n    ' + '\n    '.join(actual))
        if proc.poll() is not None:
            print('np700 exited with %d during the transcript' % proc.returncode)
            failures += 1
    except Exception as e:
        print('ERROR: %s' % e)
        failures += 1
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                rc = proc.wait(10)
                if rc != 0:
                    print('np700 exited with %d on SIGTERM' % rc)
                    failures += 1
            except subprocess.TimeoutExpired:
                proc.kill()
                print('np700 did not stop on SIGTERM')
                failures += 1
        log.close()
        if failures:
            print('--- np700 log:')
            print(open(os.path.join(workdir, 'np700.log')).read()[-4000:])
        shutil.rmtree(workdir, ignore_errors=True)
    print('%s: %s' % (os.path.basename(args.transcript), 'FAIL' if failures else 'ok'))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
