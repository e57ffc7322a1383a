#!/usr/bin/env python3
"""Privacy audit helpers for tests/uml/privacy_test.sh (issue 6 item 6).

  privacy_audit.py param NAME DIGITS      hex of one ISUP optional parameter (code, length, value)
                                          carrying DIGITS: generic orig-called redirecting location
                                          redirection uui access-transport
  privacy_audit.py rel [OPT_HEX]          hex of a REL (cause 16) with optional parameters
  privacy_audit.py shell NUMBER...        shell assignments for each NUMBER: EXTRAS_n (every parameter
                                          above), REL_n (REL with redirection number and UUI), ANM_n
                                          (ANM with connected number): one process instead of many
  privacy_audit.py scan FILE NUMBER...    count occurrences of each NUMBER in FILE (text: a tshark -V
                                          -x dump or simulator RX lines): the digits as text, and
                                          in the hex parts as BCD (both nibble alignments) and IA5;
                                          prints "NUMBER COUNT" per number, exits 1 if any > 0
"""
import re
import sys


def bcd(digits):
    b = bytearray((len(digits) + 1) // 2)
    for i, c in enumerate(digits):
        b[i // 2] |= int(c) << (4 if i & 1 else 0)
    return bytes(b)


def number(digits, octet2=0x13, nai=3):
    odd = 0x80 if len(digits) & 1 else 0
    return bytes([odd | nai, octet2]) + bcd(digits)


def tlv(code, body):
    return bytes([code, len(body)]) + body


def param(name, d):
    if name == "generic":	# number qualifier 0x06: additional calling party number
        return tlv(0xC0, bytes([0x06]) + number(d))
    if name == "orig-called":
        return tlv(0x28, number(d, 0x10))
    if name == "redirecting":
        return tlv(0x0B, number(d, 0x10))
    if name == "location":
        return tlv(0x3F, number(d, 0x13))
    if name == "redirection":
        return tlv(0x0C, number(d, 0x10))
    if name == "uui":		# free content: the number in ASCII and in BCD
        return tlv(0x20, d.encode() + bcd(d))
    if name == "access-transport":	# Q.931 calling party subaddress IE, NSAP, IA5 digits
        sub = bytes([0x80, 0x50]) + d.encode()
        return tlv(0x03, bytes([0x6D, len(sub)]) + sub)
    raise ValueError(name)


def patterns(d):
    """regexes over a hex string that match every digit of d: packed BCD/TBCD with d[0] in a low
    nibble or in a high nibble (the other nibble of a partly used byte may be anything), and IA5.
    A hex string shows a byte's high nibble first: the pair (d0, d1) reads "d1d0"."""
    pats = []
    for k in (0, 1):
        head = d[0] + "[0-9a-f]" if k else ""
        rest = d[k:]
        body = bcd(rest[: len(rest) // 2 * 2]).hex()
        tail = "[0-9a-f]" + rest[-1] if len(rest) & 1 else ""
        pats.append(re.compile(head + body + tail))
    pats.append(re.compile(d.encode().hex()))
    return pats


def scan(path, numbers):
    text = open(path, errors="replace").read()
    # hex: tshark -x lines ("0000  01 02 ...") and simulator "hex=..." fields, as one string each
    hexes = []
    for line in text.splitlines():
        m = re.match(r"^[0-9a-f]{4}  ((?:[0-9a-f]{2} )+)", line)
        if m:
            hexes.append(m.group(1).replace(" ", ""))
        m = re.search(r"hex=([0-9a-f]+)", line)
        if m:
            hexes.append(m.group(1))
    # tshark -x splits a frame in 16-octet lines: join them, frames separated by a blank line
    blob = "".join(hexes)
    bad = 0
    for n in numbers:
        cnt = len(re.findall(n, text))
        for p in patterns(n):
            # only at octet boundaries of the hex string
            cnt += sum(1 for m in p.finditer(blob) if m.start() % 2 == 0)
        print(n, cnt)
        bad += cnt
    return 1 if bad else 0


def main(argv):
    if argv[1] == "param":
        print(param(argv[2], argv[3]).hex())
    elif argv[1] == "rel":
        opt = bytes.fromhex(argv[2]) if len(argv) > 2 and argv[2] else b""
        if opt:
            print((bytes([0x0C, 0x02, 0x04, 0x02, 0x80, 0x90]) + opt + b"\0").hex())
        else:
            print(bytes([0x0C, 0x02, 0x00, 0x02, 0x80, 0x90]).hex())
    elif argv[1] == "shell":
        for d in argv[2:]:
            ex = b"".join(param(n, d) for n in
                          ("generic", "orig-called", "redirecting", "location", "uui", "access-transport"))
            opt = param("redirection", d) + param("uui", d)
            rel = bytes([0x0C, 0x02, 0x04, 0x02, 0x80, 0x90]) + opt + b"\0"
            anm = bytes([0x09, 0x01]) + tlv(0x21, number(d)) + b"\0"
            print("EXTRAS_%s=%s REL_%s=%s ANM_%s=%s" % (d, ex.hex(), d, rel.hex(), d, anm.hex()))
    elif argv[1] == "iam":	# iam CALLED CALLING EXTRAS_HEX, as isup_dec.py -e iam
        cd = number(argv[2], 0x10)
        opt = tlv(0x0A, number(argv[3], 0x13)) + bytes.fromhex(argv[4])
        fixed = bytes([0x01, 0x00, 0x20, 0x01, 0x0A, 0x00])
        print((fixed + bytes([2, 2 + len(cd), len(cd)]) + cd + opt + b"\0").hex())
    elif argv[1] == "scan":
        return scan(argv[2], argv[3:])
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
