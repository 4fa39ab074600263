#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Raw netlink exercises of the clusterlb family, below what cli.py can send.

  netlink_fuzz.py dumps          resumable and consistent dumps: many objects
                                 over several dump skbs, exact and in order;
                                 a dump racing with changes is complete or
                                 flagged NLM_F_DUMP_INTR
  netlink_fuzz.py fuzz SECONDS   random and mutated requests (with a second
                                 thread making valid changes and a monitor
                                 subscriber) for SECONDS; the kernel must
                                 answer every request and not splat

Attribute numbers follow kmod/include/uapi/linux/clusterlb.h. Exit status 0
on success; a line starting with "FAIL" explains a failure.
"""

import os
import random
import socket
import struct
import sys
import threading
import time

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_REQUEST = 0x1
NLM_F_MULTI = 0x2
NLM_F_ACK = 0x4
NLM_F_DUMP_INTR = 0x10
NLM_F_DUMP = 0x300
NLA_F_NESTED = 0x8000
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_MCAST_GROUPS = 7

# clusterlb.h
CMD_SERVICE_GET, CMD_SERVICE_NEW, CMD_SERVICE_SET, CMD_SERVICE_DEL = 1, 2, 3, 4
CMD_MEMBER_GET, CMD_MEMBER_NEW, CMD_MEMBER_SET, CMD_MEMBER_DEL = 5, 6, 7, 8
CMD_FLUSH, CMD_CONN_GET = 9, 10
SVC_PROTO, SVC_ADDR4, SVC_ADDR6, SVC_PORT, SVC_SCHED = 1, 2, 3, 4, 5
SVC_PERSIST_TIMEOUT, SVC_PERSIST_MASK, SVC_FLAGS = 6, 7, 8
MEM_SERVICE, MEM_ADDR4, MEM_ADDR6, MEM_PORT, MEM_WEIGHT = 1, 2, 3, 4, 5
MEM_STATE, MEM_IFNAME, MEM_SLOT = 6, 7, 8
CONN_SERVICE, CONN_MEMBER, CONN_CADDR4, CONN_CADDR6, CONN_CPORT = 1, 2, 3, 4, 5
PROTO_TCP, PROTO_UDP = 1, 2


def nla(atype, payload):
    hdr = struct.pack('HH', 4 + len(payload), atype)
    return hdr + payload + b'\0' * (-len(payload) % 4)


def u16(atype, v):
    return nla(atype, struct.pack('H', v & 0xffff))


def u32(atype, v):
    return nla(atype, struct.pack('I', v & 0xffffffff))


def strz(atype, s):
    return nla(atype, s.encode() + b'\0')


def nest(atype, payload):
    return nla(atype | NLA_F_NESTED, payload)


def attrs_parse(data):
    out = []
    while len(data) >= 4:
        alen, atype = struct.unpack('HH', data[:4])
        if alen < 4:
            break
        out.append((atype & 0x3fff, data[4:alen]))
        data = data[(alen + 3) & ~3:]
    return out


class Genl:
    """A generic netlink socket talking to one family."""

    def __init__(self, family_id=GENL_ID_CTRL, rcvbuf=None):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.bind((0, 0))
        self.sock.settimeout(10)
        self.family = family_id
        self.seq = random.randint(1, 1 << 30)

    def send_raw(self, ntype, flags, payload):
        self.seq += 1
        hdr = struct.pack('IHHII', 16 + len(payload), ntype, flags, self.seq, 0)
        self.sock.send(hdr + payload)
        return self.seq

    def request(self, cmd, payload=b'', flags=NLM_F_ACK, recv=65536):
        """Send one request; return (errno, [(nlmsg_flags, attrs bytes)])."""
        seq = self.send_raw(self.family, NLM_F_REQUEST | flags,
                            struct.pack('BBH', cmd, 1, 0) + payload)
        return self.collect(seq, recv)

    def collect(self, seq, recv=65536):
        msgs = []
        while True:
            data, _, flags, _ = self.sock.recvmsg(recv)
            if flags & socket.MSG_TRUNC:
                raise OSError('netlink message truncated')
            while len(data) >= 16:
                mlen, mtype, mflags, mseq, _ = struct.unpack('IHHII', data[:16])
                body = data[16:mlen]
                data = data[(mlen + 3) & ~3:]
                if mseq != seq:
                    continue
                if mtype in (NLMSG_ERROR, NLMSG_DONE):
                    return -struct.unpack('i', body[:4])[0], msgs
                msgs.append((mflags, body[4:]))


def resolve():
    ctrl = Genl()
    err, msgs = ctrl.request(CTRL_CMD_GETFAMILY,
                             strz(CTRL_ATTR_FAMILY_NAME, 'clusterlb'))
    if err:
        sys.exit(f'FAIL resolving the clusterlb family: {os.strerror(err)}')
    fam_id, groups = None, {}
    for atype, val in attrs_parse(msgs[0][1]):
        if atype == CTRL_ATTR_FAMILY_ID:
            fam_id = struct.unpack('H', val[:2])[0]
        elif atype == CTRL_ATTR_MCAST_GROUPS:
            for _, grp in attrs_parse(val):
                g = dict(attrs_parse(grp))
                groups[g[1][:-1].decode()] = struct.unpack('I', g[2])[0]
    return fam_id, groups


def svc_key(proto, a, port):
    return (u32(SVC_PROTO, proto) + nla(SVC_ADDR4, bytes([10, 9, 0, a])) +
            u16(SVC_PORT, port))


def mem_key(a, port):
    return nla(MEM_ADDR4, bytes([172, 19, a >> 8, a & 0xff])) + u16(MEM_PORT, port)


def member_ids(msgs):
    out = []
    for _, body in msgs:
        a = dict(attrs_parse(body))
        out.append((a[MEM_SERVICE], a[MEM_ADDR4], a[MEM_PORT]))
    return out


def check_dumps(fam_id):
    nl = Genl(fam_id)
    nl.request(CMD_FLUSH)
    n_svc, n_mem = 4, 150
    for s in range(n_svc):
        err, _ = nl.request(CMD_SERVICE_NEW, svc_key(PROTO_TCP, s, 80))
        if err:
            print(f'FAIL service-new: {os.strerror(err)}')
            return 1
        for m in range(n_mem):
            err, _ = nl.request(CMD_MEMBER_NEW,
                                nest(MEM_SERVICE, svc_key(PROTO_TCP, s, 80)) +
                                mem_key(m, 80))
            if err:
                print(f'FAIL member-new: {os.strerror(err)}')
                return 1

    # A fresh socket: the kernel sizes the first dump skb small (it sizes
    # later ones by the largest recv() so far, up to 32 KiB), so the dump
    # takes several rounds, each resumed from cb->ctx.
    err, msgs = Genl(fam_id).request(CMD_MEMBER_GET, flags=NLM_F_DUMP)
    ids = member_ids(msgs)
    if err or len(ids) != n_svc * n_mem or len(set(ids)) != len(ids):
        print(f'FAIL member dump: error {err}, {len(ids)} members, '
              f'{len(set(ids))} distinct, want {n_svc * n_mem}')
        return 1
    want = [(svc_key(PROTO_TCP, s, 80), bytes([172, 19, m >> 8, m & 0xff]),
             struct.pack('H', 80)) for s in range(n_svc) for m in range(n_mem)]
    # MEM_SERVICE is a nest of the key attributes: compare its payload.
    if [(s, a, p) for s, a, p in ids] != want:
        print('FAIL member dump: not in creation order')
        return 1
    if any(f & NLM_F_DUMP_INTR for f, _ in msgs):
        print('FAIL member dump flagged interrupted without changes')
        return 1
    print(f'ok member dump of {len(ids)} members in {n_svc} services, '
          'resumed and complete')

    # Changes during dumps: the dump is either exact or flagged.
    stop = threading.Event()

    def churn():
        w = Genl(fam_id)
        i = 0
        while not stop.is_set():
            key = nest(MEM_SERVICE, svc_key(PROTO_TCP, i % n_svc, 80)) + \
                mem_key(1000 + i % 50, 80)
            w.request(CMD_MEMBER_NEW, key)
            w.request(CMD_MEMBER_DEL, key)
            i += 1

    t = threading.Thread(target=churn)
    t.start()
    flagged = exact = 0
    try:
        for _ in range(30):
            err, msgs = Genl(fam_id).request(CMD_MEMBER_GET, flags=NLM_F_DUMP)
            if err:
                print(f'FAIL dump during changes: {os.strerror(err)}')
                return 1
            ids = member_ids(msgs)
            if any(f & NLM_F_DUMP_INTR for f, _ in msgs):
                flagged += 1
            elif [i for i in ids if i in set(want)] == want:
                exact += 1
            else:
                print('FAIL dump during changes neither exact nor flagged')
                return 1
    finally:
        stop.set()
        t.join()
    print(f'ok 30 dumps during changes: {exact} exact, {flagged} flagged '
          'NLM_F_DUMP_INTR')
    nl.request(CMD_FLUSH)
    return 0


# Fuzzing

INTERESTING32 = [0, 1, 2, 3, 4, 7, 24, 32, 33, 128, 129, 65535, 65536,
                 2592000, 2592001, 0x7fffffff, 0xffffffff]
INTERESTING16 = [0, 1, 80, 443, 8080, 65535]
STRINGS = ['', 'rr', 'wrr', 'mh', 'x' * 15, 'x' * 16, 'x' * 40, 'usb2',
           'eth0', 'a/b', ' ', 'hat0/p2', 'hat0/p0', 'hat9999999999/p1',
           'hat0/', '/p1']


def rnd_value(r):
    k = r.randrange(6)
    if k == 0:
        return struct.pack('I', r.choice(INTERESTING32))
    if k == 1:
        return struct.pack('H', r.choice(INTERESTING16))
    if k == 2:
        return r.choice(STRINGS).encode() + (b'\0' if r.random() < 0.8 else b'')
    if k == 3:
        return bytes([10, 9, 0, r.randrange(4)])
    if k == 4:
        return bytes(r.randrange(256) for _ in range(r.choice([0, 1, 3, 4, 5, 8, 15, 16, 17])))
    return bytes([0xfd] + [0] * 14 + [r.randrange(4)])


def rnd_attrs(r, depth=0):
    out = b''
    for _ in range(r.randrange(8)):
        atype = r.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 200, 0x3fff])
        if depth < 3 and r.random() < 0.2:
            out += nest(atype, rnd_attrs(r, depth + 1))
        else:
            out += nla(atype, rnd_value(r))
    return out


def plausible(r):
    """A request that is valid more often than not."""
    cmd = r.randrange(1, 11)
    key = svc_key(r.choice([PROTO_TCP, PROTO_UDP]), r.randrange(3),
                  r.choice([80, 81]))
    mkey = mem_key(r.randrange(6), r.choice([80, 8080]))
    if cmd in (CMD_SERVICE_GET, CMD_SERVICE_DEL, CMD_FLUSH):
        payload = key if r.random() < 0.9 else b''
    elif cmd in (CMD_SERVICE_NEW, CMD_SERVICE_SET):
        payload = key
        if r.random() < 0.5:
            payload += strz(SVC_SCHED, r.choice(['rr', 'wrr', 'nope']))
        if r.random() < 0.3:
            payload += u32(SVC_PERSIST_TIMEOUT, r.choice(INTERESTING32))
        if r.random() < 0.3:
            payload += u32(SVC_PERSIST_MASK, r.choice([0, 24, 32, 33, 128]))
        if r.random() < 0.3:
            payload += u32(SVC_FLAGS, r.randrange(5))
    elif cmd in (CMD_CONN_GET,):
        payload = nest(CONN_SERVICE, key)
        if r.random() < 0.5:
            payload += nest(CONN_MEMBER, mkey)
        if r.random() < 0.5:
            payload += nla(CONN_CADDR4, bytes([1, 2, 3, 4])) + u16(CONN_CPORT, 999)
    else:
        payload = nest(MEM_SERVICE, key) + mkey
        if r.random() < 0.5:
            payload += u32(MEM_WEIGHT, r.choice(INTERESTING32))
        if r.random() < 0.3:
            payload += u32(MEM_STATE, r.randrange(5))
        if r.random() < 0.3:
            payload += strz(MEM_IFNAME, r.choice(STRINGS))
        if r.random() < 0.3:
            payload += strz(MEM_SLOT, r.choice(STRINGS))
    return cmd, payload


def mutate(r, data):
    data = bytearray(data)
    for _ in range(r.randrange(1, 4)):
        k = r.randrange(4)
        if k == 0 and data:
            data[r.randrange(len(data))] = r.randrange(256)
        elif k == 1 and data:
            del data[r.randrange(len(data)):]
        elif k == 2:
            pos = r.randrange(len(data) + 1)
            data[pos:pos] = bytes(r.randrange(256) for _ in range(r.randrange(1, 9)))
        elif k == 3 and len(data) >= 4:
            pos = r.randrange(0, len(data) - 1, 2)
            data[pos:pos + 2] = struct.pack('H', r.choice([0, 3, 4, 5, 8, 0xffff]))
    return bytes(data)


def fuzz(fam_id, groups, seconds, seed):
    r = random.Random(seed)
    nl = Genl(fam_id)
    mon = Genl(fam_id)
    mon.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, groups['monitor'])
    mon.sock.setblocking(False)
    stop = threading.Event()
    errors = {}

    def churn():
        w = Genl(fam_id)
        cr = random.Random(seed + 1)
        while not stop.is_set():
            cmd, payload = plausible(cr)
            w.request(cmd, payload, flags=NLM_F_ACK | (NLM_F_DUMP if cmd in (
                CMD_SERVICE_GET, CMD_MEMBER_GET, CMD_CONN_GET) and cr.random() < 0.5 else 0))

    t = threading.Thread(target=churn)
    t.start()
    n = 0
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            k = r.random()
            if k < 0.5:
                cmd, payload = plausible(r)
            else:
                cmd, payload = r.randrange(0, 20), rnd_attrs(r)
            flags = NLM_F_ACK
            if r.random() < 0.3:
                flags |= NLM_F_DUMP
            body = struct.pack('BBH', cmd, r.choice([0, 1, 1, 1, 2]),
                               r.choice([0, 0, 0, 1])) + payload
            if r.random() < 0.4:
                body = mutate(r, body)
            seq = nl.send_raw(fam_id, NLM_F_REQUEST | flags, body)
            err, _ = nl.collect(seq)
            errors[err] = errors.get(err, 0) + 1
            n += 1
            try:
                while True:
                    mon.sock.recv(65536)
            except (BlockingIOError, OSError):
                pass
    finally:
        stop.set()
        t.join()
    summary = ', '.join(f'{os.strerror(e) if e else "ok"}: {c}'
                        for e, c in sorted(errors.items()))
    print(f'ok {n} fuzzed requests in {seconds}s (seed {seed}): {summary}')
    nl.request(CMD_FLUSH)
    return 0


def main():
    fam_id, groups = resolve()
    if len(sys.argv) >= 2 and sys.argv[1] == 'dumps':
        return check_dumps(fam_id)
    if len(sys.argv) >= 3 and sys.argv[1] == 'fuzz':
        seed = int(os.environ.get('CLB_FUZZ_SEED', time.time()))
        return fuzz(fam_id, groups, float(sys.argv[2]), seed)
    sys.exit(__doc__)


if __name__ == '__main__':
    sys.exit(main())
