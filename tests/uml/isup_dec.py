#!/usr/bin/env python3
"""Decode ISUP messages (ITU Q.763, 14-bit CIC) as ss7-sim prints them (hex= of an RX/TX line),
independently of np700's codec, for the end-to-end tests.

  isup_dec.py HEX            one line: type=IAM cic=1 called=3:13900139000 calling=3:700123456780001 ...
  isup_dec.py -              the same for every RX/TX line (or bare hex) on stdin
  isup_dec.py -f KEY HEX     only the value of KEY (e.g. called, calling, connected, cause, opt)
  isup_dec.py -e iam CALLED [CALLING [OPTHEX]]   print an IAM (hex from the message type on, for
                             ss7-sim's `isup DPC CIC HEX`); OPTHEX: more optional parameters
  isup_dec.py -e anm CONNECTED                   an ANM with a Connected Number
  isup_dec.py -e sam DIGITS                      a SAM
  (numbers [n:|i:]DIGITS as in ss7-sim, national by default)

Numbers print as NAI:DIGITS (NAI 3 national, 4 international, 1 subscriber); cause as its Q.850
value; opt as the optional parameter codes in order; param.XX as the hex body of parameter XX.
A message that does not decode prints error=WHY (exit status 1).
"""
import sys

TYPES = {
    0x01: "IAM", 0x02: "SAM", 0x06: "ACM", 0x07: "CON", 0x09: "ANM", 0x0C: "REL", 0x10: "RLC",
    0x12: "RSC", 0x13: "BLO", 0x14: "UBL", 0x15: "BLA", 0x16: "UBA", 0x17: "GRS", 0x29: "GRA",
    0x2C: "CPG", 0x2E: "UCIC", 0x2F: "CFN", 0x18: "CGB", 0x19: "CGU", 0x1A: "CGBA", 0x1B: "CGUA",
}
# message type: (fixed lengths, number of mandatory variable parameters, has optional part)
FORMATS = {
    0x01: ([1, 2, 1, 1], 1, True),     # IAM: NCI FCI CPC TMR; called party number
    0x02: ([], 1, True),               # SAM: subsequent number
    0x06: ([2], 0, True),              # ACM: backward call indicators
    0x07: ([2], 0, True),              # CON
    0x09: ([], 0, True),               # ANM
    0x0C: ([], 1, True),               # REL: cause
    0x10: ([], 0, True),               # RLC
    0x2C: ([1], 0, True),              # CPG: event information
    0x2F: ([], 1, True),               # CFN: cause
    0x12: ([], 0, False), 0x13: ([], 0, False), 0x14: ([], 0, False), 0x15: ([], 0, False),
    0x16: ([], 0, False), 0x2E: ([], 0, False),
    0x17: ([], 1, False),              # GRS: range and status
    0x29: ([], 1, False),              # GRA
}
# mandatory variable parameter codes, by message type
MAND_CODES = {0x01: [0x04], 0x02: [0x05], 0x0C: [0x12], 0x2F: [0x12], 0x17: [0x16], 0x29: [0x16]}
NUMBERS = {0x04: "called", 0x05: "subsequent", 0x0A: "calling", 0x21: "connected", 0x0B: "redirecting",
           0x0C: "redirection", 0x28: "original_called", 0x3F: "location"}
DIGITS = "0123456789ABCDEF"


def number(code, body):
    if len(body) < 1 or (code != 0x05 and len(body) < 2):
        raise ValueError("number parameter 0x%02x too short" % code)
    odd = body[0] & 0x80
    nai = body[0] & 0x7F
    bcd = body[1:] if code == 0x05 else body[2:]
    if code == 0x05:        # subsequent number: no NAI
        nai = None
    d = "".join(DIGITS[b & 0x0F] + DIGITS[b >> 4] for b in bcd)
    if odd and d:
        d = d[:-1]
    return d if nai is None else "%d:%s" % (nai, d)


def decode(data):
    out = {}
    if len(data) < 3:
        raise ValueError("too short")
    out["cic"] = str(data[0] | (data[1] & 0x0F) << 8)
    mt = data[2]
    out["type"] = TYPES.get(mt, "0x%02x" % mt)
    if mt not in FORMATS:
        return out
    fixed, nvar, hasopt = FORMATS[mt]
    pos = 3
    for n in fixed:
        pos += n
    if pos > len(data):
        raise ValueError("fixed part truncated")
    params = []
    ptrbase = pos
    for i in range(nvar):
        if ptrbase + i >= len(data):
            raise ValueError("pointer missing")
        p = ptrbase + i + data[ptrbase + i]
        if data[ptrbase + i] == 0 or p >= len(data) or p + 1 + data[p] > len(data):
            raise ValueError("bad pointer to mandatory variable parameter %d" % i)
        params.append((MAND_CODES[mt][i], bytes(data[p + 1:p + 1 + data[p]])))
    opt = []
    if hasopt:
        op = ptrbase + nvar
        if op >= len(data):
            raise ValueError("optional part pointer missing")
        if data[op]:
            p = op + data[op]
            while True:
                if p >= len(data):
                    raise ValueError("optional part without end of optional parameters")
                code = data[p]
                if code == 0:
                    break
                if p + 2 > len(data) or p + 2 + data[p + 1] > len(data):
                    raise ValueError("optional parameter 0x%02x truncated" % code)
                body = bytes(data[p + 2:p + 2 + data[p + 1]])
                params.append((code, body))
                opt.append("%02x" % code)
                p += 2 + data[p + 1]
    out["opt"] = ",".join(opt) or "-"
    for code, body in params:
        out["param.%02x" % code] = body.hex() or "-"
        if code in NUMBERS:
            out[NUMBERS[code]] = number(code, body)
        elif code == 0x12:
            if len(body) < 2:
                raise ValueError("cause too short")
            out["cause"] = str(body[1 if body[0] & 0x80 else 2] & 0x7F)
    return out


def line_hex(line):
    for tok in line.split():
        if tok.startswith("hex="):
            return tok[4:]
    return line.strip()


def show(hexstr, key):
    try:
        d = decode(bytes.fromhex(hexstr))
    except ValueError as e:
        print("error=%s" % e if key is None else "")
        return 1
    if key is not None:
        print(d.get(key, ""))
    else:
        print(" ".join("%s=%s" % kv for kv in d.items()))
    return 0


def enc_number(num, octet2, nai_too=True):
    nai = 3
    if len(num) > 1 and num[1] == ":":
        nai = {"n": 3, "i": 4, "s": 1, "u": 2}[num[0]]
        num = num[2:]
    bcd = bytearray((len(num) + 1) // 2)
    for i, c in enumerate(num):
        bcd[i // 2] |= int(c, 16) << (4 if i & 1 else 0)
    odd = 0x80 if len(num) & 1 else 0
    if not nai_too:
        return bytes([odd]) + bytes(bcd)
    return bytes([odd | nai, octet2]) + bytes(bcd)


def tlv(code, body):
    return bytes([code, len(body)]) + body


def encode(kind, args):
    if kind == "iam":
        cd = enc_number(args[0], 0x10)
        opt = b""
        if len(args) > 1 and args[1]:
            opt += tlv(0x0A, enc_number(args[1], 0x13))
        if len(args) > 2:
            opt += bytes.fromhex(args[2])
        fixed = bytes([0x01, 0x00, 0x20, 0x01, 0x0A, 0x00])
        if not opt:
            return fixed + bytes([2, 0, len(cd)]) + cd
        return fixed + bytes([2, 2 + len(cd), len(cd)]) + cd + opt + b"\0"
    if kind == "anm":
        return bytes([0x09, 0x01]) + tlv(0x21, enc_number(args[0], 0x13)) + b"\0"
    if kind == "sam":
        sn = enc_number(args[0], 0, nai_too=False)
        return bytes([0x02, 0x02, 0x00, len(sn)]) + sn
    raise ValueError(kind)


def main(argv):
    key = None
    if len(argv) > 2 and argv[1] == "-e":
        print(encode(argv[2], argv[3:]).hex())
        return 0
    if len(argv) > 2 and argv[1] == "-f":
        key = argv[2]
        argv = argv[2:]
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    if argv[1] == "-":
        rc = 0
        for line in sys.stdin:
            if line.strip():
                rc |= show(line_hex(line), key)
        return rc
    return show(line_hex(argv[1]), key)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
