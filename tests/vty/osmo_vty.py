#!/usr/bin/env python3
"""A small client for Osmocom telnet VTYs (np700, osmo-stp): connect, send one command at a time,
return its output without echo and prompt. Shared by the VTY transcript replayer, the write
round-trip test, vty_cmd.py and the demo."""

import re
import socket
import time

PROMPT_RE = re.compile(rb'(?:^|\r\n|\n)([\w.-]+(?:\([\w.\-]+\))?[>#] )$')


def strip_telnet(data):
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] == 0xff and i + 1 < len(data):
            i += 3 if data[i + 1] in (0xfb, 0xfc, 0xfd, 0xfe) else 2
            continue
        out.append(data[i])
        i += 1
    return bytes(out)


class Vty:
    def __init__(self, host, port, timeout=10):
        deadline = time.time() + timeout
        while True:
            try:
                self.sock = socket.create_connection((host, port), timeout=2)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        self.sock.settimeout(timeout)
        self.buf = b''
        self.read_to_prompt()
        # the VTY may send a second prompt after the telnet negotiation: let it arrive and drop it
        time.sleep(0.2)
        self.sock.setblocking(False)
        try:
            while self.sock.recv(65536):
                pass
        except (BlockingIOError, OSError):
            pass
        self.sock.setblocking(True)
        self.sock.settimeout(timeout)

    def read_to_prompt(self, echo=None):
        """Read until the buffer ends in a prompt (that follows the echo of the command, if given);
        return what came between the echo line and that prompt."""
        while True:
            m = PROMPT_RE.search(self.buf)
            if m:
                start = 0
                if echo is not None:
                    pos = self.buf.find(echo)
                    if pos < 0 or pos > m.start(1):
                        m = None
                    else:
                        nl = self.buf.find(b'\n', pos)
                        start = nl + 1 if 0 <= nl < m.start(1) else m.start(1)
                if m:
                    out, self.buf = self.buf[start:m.start(1)], b''
                    return out
            data = self.sock.recv(65536)
            if not data:
                raise EOFError('VTY closed the connection')
            self.buf += strip_telnet(data)

    def cmd(self, command):
        self.buf = b''
        self.sock.sendall(command.encode() + b'\n')
        out = self.read_to_prompt(echo=command.encode()).decode(errors='replace').replace('\r', '')
        return out.strip('\n')
