#!/usr/bin/env python3
"""Writes fuzz/corpus-video: the smallest MP4, Matroska and AVI headers that
declare a frame size (a small one and 16000 x 16000), the seeds of fuzz_video
beside real.mp4 and real.mkv (5 frames of 64 x 48 written by OpenCV's
VideoWriter). tests/test_video.cpp and tests/test_hostile3.cpp read the huge-*
files: each must be refused before FFmpeg opens it."""
import os
import struct
import sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus-video")


def box(kind, body):
    return struct.pack(">I", 8 + len(body)) + kind + body


def mp4(w, h, version=0):
    if version == 0:
        tkhd = b"\0\0\0\x0f" + b"\0" * 20 + b"\0" * 8 + b"\0" * 8 + b"\0" * 36 + struct.pack(">II", w << 16, h << 16)
    else:
        tkhd = b"\x01\0\0\x0f" + b"\0" * 32 + b"\0" * 8 + b"\0" * 8 + b"\0" * 36 + struct.pack(">II", w << 16, h << 16)
    hdlr = b"\0" * 8 + b"vide" + b"\0" * 12 + b"\0"
    entry = b"\0" * 6 + b"\0\x01" + b"\0" * 16 + struct.pack(">HH", w, h) + b"\0" * 50
    stsd = b"\0\0\0\0" + struct.pack(">I", 1) + box(b"avc1", entry)
    trak = box(b"trak", box(b"tkhd", tkhd) + box(b"mdia", box(b"hdlr", hdlr) + box(b"minf", box(b"stbl", box(b"stsd", stsd)))))
    return box(b"ftyp", b"isom\0\0\x02\0isomiso2avc1mp41") + box(b"moov", trak) + box(b"mdat", b"\0" * 16)


def ebml(eid, body):
    n = len(body)
    return eid + bytes([0x01]) + n.to_bytes(7, "big") + body  # an 8-byte size


def mkv(w, h, unknown_segment=False):
    header = ebml(b"\x1a\x45\xdf\xa3", ebml(b"\x42\x82", b"webm"))
    video = ebml(b"\xe0", ebml(b"\xb0", w.to_bytes(2, "big")) + ebml(b"\xba", h.to_bytes(2, "big")))
    tracks = ebml(b"\x16\x54\xae\x6b", ebml(b"\xae", ebml(b"\xd7", b"\x01") + ebml(b"\x83", b"\x01") + video))
    body = ebml(b"\x15\x49\xa9\x66", b"") + tracks + ebml(b"\x1f\x43\xb6\x75", b"\0" * 8)
    if unknown_segment:
        return header + b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff" + body
    return header + ebml(b"\x18\x53\x80\x67", body)


def chunk(kind, body):
    return kind + struct.pack("<I", len(body)) + body + (b"\0" if len(body) % 2 else b"")


def avi(avih_size, strf_size):
    avih = b"\0" * 32 + struct.pack("<II", *avih_size) + b"\0" * 16
    strh = b"vidsMJPG" + b"\0" * 48
    strf = struct.pack("<Iii", 40, strf_size[0], -strf_size[1]) + b"\0" * 28
    hdrl = chunk(b"LIST", b"hdrl" + chunk(b"avih", avih) + chunk(b"LIST", b"strl" + chunk(b"strh", strh) + chunk(b"strf", strf)))
    body = b"AVI " + hdrl + chunk(b"LIST", b"movi")
    return b"RIFF" + struct.pack("<I", len(body)) + body


os.makedirs(out, exist_ok=True)
files = {
    "small.mp4": mp4(320, 240),
    "huge-v1.mp4": mp4(16000, 16000, version=1),
    "small.mkv": mkv(320, 240),
    "huge.mkv": mkv(16000, 16000),
    "huge-live.webm": mkv(16000, 16000, unknown_segment=True),
    "small.avi": avi((320, 240), (320, 240)),
    "huge-strf.avi": avi((320, 240), (16000, 16000)),
}
for name, data in files.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
