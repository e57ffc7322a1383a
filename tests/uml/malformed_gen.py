#!/usr/bin/env python3
"""Generators for the malformed-traffic corpus (tests/uml/malformed_corpus.txt), independent of
np700's codecs: each prints one message as hex.

  malformed_gen.py NAME [ARGS...]

ISUP generators print the message from the message type on (for ss7-sim's `isup DPC CIC HEX`),
all others a whole SCCP UDT from the SMSC (GT 8613100004, SSN 8) to the 700 number X (SSN 6,
np700's own subsystem), carrying the TCAP they name. The TCAP transaction id np700 must answer
to is $OTID (8 hex digits). `malformed_gen.py -l` lists the generators; `malformed_gen.py -b`
reads lines "OTID NAME [ARG]" and prints one message per line.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import isup_dec  # noqa: E402

X = "700123456780001"
A = "13800138000"
SMSC_GT = "8613100004"
OTID = bytes.fromhex(os.environ.get("OTID", "5a000001"))
UNKNOWN_TID = bytes.fromhex("7fffff01")


def ber(tag, *content):
    body = b"".join(content)
    n = len(body)
    if n < 0x80:
        hdr = bytes([n])
    elif n < 0x100:
        hdr = bytes([0x81, n])
    else:
        hdr = bytes([0x82, n >> 8, n & 0xff])
    return bytes([tag]) + hdr + body


def bcd(digits, fill=0xf):
    if len(digits) % 2:
        digits += "%x" % fill
    return bytes(int(digits[i + 1], 16) << 4 | int(digits[i], 16) for i in range(0, len(digits), 2))


def isdn(digits):
    """ISDN-AddressString: international, E.164"""
    return b"\x91" + bcd(digits)


# --- SCCP

def gt_addr(digits, ssn):
    """SCCP address: GTI 4, SSN, route on GT, TT 0, E.164, international"""
    es = 1 if len(digits) % 2 else 2
    return bytes([0x12, ssn, 0x00, 0x10 | es, 0x04]) + bcd(digits, 0)


def udt(data, called=None, calling=None, ret=True):
    called = called if called is not None else gt_addr(X, 6)
    calling = calling if calling is not None else gt_addr(SMSC_GT, 8)
    p1 = 3
    p2 = p1 - 1 + 1 + len(called)
    p3 = p2 - 1 + 1 + len(calling)
    return (bytes([0x09, 0x80 if ret else 0x00, p1, p2, p3]) + bytes([len(called)]) + called +
            bytes([len(calling)]) + calling + bytes([len(data)]) + data)


def xudt(data, called, hop=15, opt=b"", cls=0x81):
    """XUDT from the SMSC's GT; opt: optional parameters (end of optional parameters added)"""
    calling = gt_addr(SMSC_GT, 8)
    p1 = 4
    p2 = p1 - 1 + 1 + len(called)
    p3 = p2 - 1 + 1 + len(calling)
    p4 = p3 - 1 + 1 + len(data) if opt else 0
    return (bytes([0x11, cls, hop, p1, p2, p3, p4, len(called)]) + called + bytes([len(calling)]) + calling +
            bytes([len(data)]) + data + (opt + b"\x00" if opt else b""))


HLR_GT = gt_addr("8613800138000", 6)
SMALL_TCAP = bytes.fromhex("6206480401020304")

# --- TCAP

DIALOGUE_AS = bytes.fromhex("060700118605010101")


def acn(ac, version):
    return bytes([0x06, 0x07, 0x04, 0x00, 0x00, 0x01, 0x00, ac, version])


def aarq(oid):
    return ber(0x6b, ber(0x28, DIALOGUE_AS, ber(0xa0, ber(0x60, bytes.fromhex("80020780"), ber(0xa1, oid)))))


def invoke(op, param=b"", invoke_id=1):
    return ber(0xa1, bytes([0x02, 0x01, invoke_id]), bytes([0x02, 0x01, op]), param)


def begin(*parts, otid=None):
    return ber(0x62, ber(0x48, otid if otid is not None else OTID), *parts)


def comps(*c):
    return ber(0x6c, *c)


SC_ADDR = isdn(SMSC_GT)


def sri_sm_arg(msisdn_tlv):
    """RoutingInfoForSM-Arg with the given msisdn element (b"" to leave it out)"""
    return ber(0x30, msisdn_tlv, bytes.fromhex("8101ff"), ber(0x82, SC_ADDR))


def sri_sm(arg):
    return udt(begin(aarq(acn(20, 3)), comps(invoke(45, arg))))


def sms_deliver(udl, ud):
    oa = bcd("8613700137000")
    return (bytes([0x04, 13, 0x91]) + oa + bytes([0x00, 0x00]) + bytes.fromhex("62118221000000") +
            bytes([udl]) + ud)


def mt_fsm(imsi, tpdu):
    arg = ber(0x30, ber(0x80, bcd(imsi)), ber(0x84, SC_ADDR), ber(0x04, tpdu))
    return udt(begin(aarq(acn(25, 3)), comps(invoke(44, arg))))


GOOD_INVOKE = invoke(45, sri_sm_arg(ber(0x80, isdn(X))))

GEN = {
    # ISUP: an IAM for X from A as isup_dec.py encodes it, then broken
    "iam": lambda: isup_dec.encode("iam", [X, A]),
    "iam_short": lambda: isup_dec.encode("iam", [X, A])[:4],
    "iam_ptr_past_end": lambda: (lambda m: m[:6] + b"\x7f" + m[7:])(isup_dec.encode("iam", [X, A])),
    "iam_len_past_end": lambda: (lambda m: m[:8] + b"\x1e" + m[9:])(isup_dec.encode("iam", [X, A])),
    "iam_no_eop": lambda: isup_dec.encode("iam", [X, A])[:-1],
    # optional parameter 0x0a (calling number) claiming 0x40 octets
    "iam_opt_len_past_end": lambda: (lambda m: m[:7 + m[7]] + b"\x0a\x40\x03")(isup_dec.encode("iam", [X, A])),
    # called party number of only its two header octets
    "iam_no_called": lambda: (lambda m: m[:7] + bytes([m[7] - m[8] + 2]) + bytes([2]) + m[9:11] +
                              m[9 + m[8]:])(isup_dec.encode("iam", [X, A])),
    # nature of address 0x7f (spare)
    "iam_bad_nai": lambda: (lambda m: m[:9] + b"\x7f" + m[10:])(isup_dec.encode("iam", [X, A])),
    # SCCP
    "udt_to_hlr": lambda: udt(SMALL_TCAP, HLR_GT),
    "udt_to_hlr_noret": lambda: udt(SMALL_TCAP, HLR_GT, ret=False),
    "udt_no_route": lambda: udt(SMALL_TCAP, gt_addr("4412345678", 6)),
    "udt_no_route_noret": lambda: udt(SMALL_TCAP, gt_addr("4412345678", 6), ret=False),
    # 48 digits, more than any E.164 number or np700 (40) takes
    "udt_long_gt": lambda: udt(SMALL_TCAP, gt_addr("86138" + "0" * 43, 6)),
    "xudt_hop1": lambda: xudt(SMALL_TCAP, HLR_GT, hop=1),
    "xudt_hop0": lambda: xudt(SMALL_TCAP, HLR_GT, hop=0),
    # a last segment (not first, none remaining) of a message np700 never saw begin, for X
    "xudt_seg_no_first": lambda: xudt(SMALL_TCAP, gt_addr(X, 6), opt=bytes.fromhex("100440a1b2c3")),
    # segmentation parameter of 3 octets (Q.713: 4)
    "xudt_seg_bad_len": lambda: xudt(SMALL_TCAP, gt_addr(X, 6), opt=bytes.fromhex("100380a1b2")),
    # TCAP, all to X's subsystem
    "tcap_garbage": lambda: udt(bytes.fromhex("ff0102030405")),
    "tcap_truncated_len": lambda: udt(bytes.fromhex("6240") + ber(0x48, OTID) + comps(GOOD_INVOKE)),
    "tcap_indef_no_eoc": lambda: udt(bytes.fromhex("6280") + ber(0x48, OTID) + comps(GOOD_INVOKE)),
    "tcap_begin_no_otid": lambda: udt(ber(0x62, aarq(acn(20, 3)), comps(GOOD_INVOKE))),
    "tcap_begin_with_dtid": lambda: udt(ber(0x62, ber(0x48, OTID), ber(0x49, UNKNOWN_TID), comps(GOOD_INVOKE))),
    "tcap_continue_unknown": lambda: udt(ber(0x65, ber(0x48, OTID), ber(0x49, UNKNOWN_TID), comps(GOOD_INVOKE))),
    "tcap_end_unknown": lambda: udt(ber(0x64, ber(0x49, UNKNOWN_TID), comps(GOOD_INVOKE))),
    "tcap_abort_unknown": lambda: udt(ber(0x67, ber(0x49, UNKNOWN_TID), bytes.fromhex("4a0101"))),
    "tcap_unknown_type": lambda: udt(ber(0x63, ber(0x48, OTID), comps(GOOD_INVOKE))),
    "tcap_bad_dialogue": lambda: udt(begin(ber(0x6b, ber(0x28, bytes.fromhex("0601ff"))), comps(GOOD_INVOKE))),
    "tcap_foreign_acn": lambda: udt(begin(aarq(bytes.fromhex("06052a03040506")), comps(GOOD_INVOKE))),
    "tcap_bad_component": lambda: udt(begin(aarq(acn(20, 3)), comps(ber(0xa9, b"\x02\x01\x01")))),
    "tcap_too_many_components": lambda: udt(begin(aarq(acn(20, 3)), comps(*[invoke(45, b"", i) for i in
                                                                        range(1, 11)]))),
    # MAP
    "map_unknown_op": lambda: udt(begin(aarq(acn(20, 3)), comps(invoke(99, sri_sm_arg(ber(0x80, isdn(X))))))),
    "sri_sm_no_msisdn": lambda: sri_sm(sri_sm_arg(b"")),
    "sri_sm_msisdn_wrong_tag": lambda: sri_sm(sri_sm_arg(ber(0x85, isdn(X)))),
    "sri_sm_msisdn_empty": lambda: sri_sm(sri_sm_arg(ber(0x80, b"\x91"))),
    "sri_sm_msisdn_20": lambda: sri_sm(sri_sm_arg(ber(0x80, isdn("86" + "1" * 18)))),
    "sri_no_msisdn": lambda: udt(begin(aarq(acn(5, 3)), comps(invoke(22, ber(0x30, bytes.fromhex("830100"),
                                                                               ber(0x86, SC_ADDR)))))),
    "mt_fsm_unknown_imsi": lambda: mt_fsm("460009990999999", sms_deliver(5, bytes.fromhex("c8329bfd06"))),
    # TP-UDL says 160 septets, 3 octets follow
    "mt_fsm_bad_udl": lambda imsi: mt_fsm(imsi, sms_deliver(160, bytes.fromhex("c8329b"))),
}


def batch():
    """-b: lines "OTID NAME [ARG]" on stdin, one line of hex each on stdout (one process for all)"""
    global OTID
    for line in sys.stdin:
        f = line.split()
        OTID = bytes.fromhex(f[0])
        print(GEN[f[1]](*f[2:]).hex())
    return 0


def main(argv):
    if len(argv) == 2 and argv[1] == "-l":
        print(" ".join(sorted(GEN)))
        return 0
    if len(argv) == 2 and argv[1] == "-b":
        return batch()
    if len(argv) < 2 or argv[1] not in GEN:
        print(__doc__, file=sys.stderr)
        return 2
    print(GEN[argv[1]](*argv[2:]).hex())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
