#!/usr/bin/env python3
"""Send MongoDB's `{ping: 1}` over the wire protocol; exit 0 if the reply has ok: 1.

Stdlib only, so start.sh can check FerretDB without a driver or mongosh.
usage: mongo_ping.py HOST PORT [TIMEOUT_SECONDS]
"""
import socket
import struct
import sys

OP_MSG = 2013


def bson_ping() -> bytes:
    # {ping: int32 1, $db: "admin"}
    elems = b"\x10ping\x00" + struct.pack("<i", 1)
    db = b"admin\x00"
    elems += b"\x02$db\x00" + struct.pack("<i", len(db)) + db
    return struct.pack("<i", 4 + len(elems) + 1) + elems + b"\x00"


def recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("connection closed mid-reply")
        buf += chunk
    return buf


def reply_ok(doc: bytes) -> bool:
    """Find the top-level `ok` field (double or int32) in a BSON document."""
    # FerretDB/MongoDB answer ping with {ok: 1.0}; a linear scan of the
    # top-level elements is enough for this tiny reply.
    i = 4
    while i < len(doc) - 1:
        etype = doc[i]
        end = doc.index(b"\x00", i + 1)
        name = doc[i + 1 : end]
        i = end + 1
        if etype == 0x01:  # double
            val = struct.unpack_from("<d", doc, i)[0]
            i += 8
        elif etype == 0x10:  # int32
            val = struct.unpack_from("<i", doc, i)[0]
            i += 4
        elif etype == 0x12:  # int64
            val = struct.unpack_from("<q", doc, i)[0]
            i += 8
        elif etype == 0x08:  # bool
            val = doc[i]
            i += 1
        elif etype in (0x02,):  # string
            i += 4 + struct.unpack_from("<i", doc, i)[0]
            continue
        elif etype in (0x03, 0x04):  # embedded document / array
            i += struct.unpack_from("<i", doc, i)[0]
            continue
        else:
            return False  # unexpected type before `ok`; treat as not healthy
        if name == b"ok":
            return val == 1
    return False


def main() -> int:
    host, port = sys.argv[1], int(sys.argv[2])
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
    body = struct.pack("<I", 0) + b"\x00" + bson_ping()  # flagBits, section kind 0
    header = struct.pack("<iiii", 16 + len(body), 1, 0, OP_MSG)
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(header + body)
            length, _, _, opcode = struct.unpack("<iiii", recv_exact(sock, 16))
            payload = recv_exact(sock, length - 16)
    except OSError as exc:
        print(f"mongo ping {host}:{port}: {exc}", file=sys.stderr)
        return 1
    if opcode != OP_MSG or payload[4] != 0:
        print(f"mongo ping: unexpected reply opcode={opcode}", file=sys.stderr)
        return 1
    if not reply_ok(payload[5:]):
        print(f"mongo ping: reply without ok:1: {payload[5:]!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
