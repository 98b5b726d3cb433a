#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/).

    python3 tests/fuzz/seed.py          # (re)write the seeds from tests/vectors
    python3 tests/fuzz/seed.py --check  # exit 1 if a seed is missing or stale

Seeds are derived from the shared vectors, so every new entry point folder in
tests/vectors/ becomes a seeded corpus of the `call` and `entry` targets
without editing this script. The store_open seed (a small valid database,
corpus/store_open/base-estate.db) is binary and is written by the store_patch
target's first run instead (see run.sh); this script does not touch it.
"""

from __future__ import annotations

import hashlib
import pathlib
import struct
import sys

HERE = pathlib.Path(__file__).resolve().parent
VECTORS = HERE.parent / "vectors"
CORPUS = HERE / "corpus"


def string(b: bytes) -> bytes:
    """A string argument of the ffi target: [n][bytes], n=255 then u16 LE."""
    if len(b) < 255:
        return bytes([len(b)]) + b
    return b"\xff" + struct.pack("<H", min(len(b), 0xFFFF)) + b[:0xFFFF]


def op(code: int, flags: int = 0, *args: bytes) -> bytes:
    return bytes([code, flags]) + b"".join(string(a) for a in args)


def entries() -> list[str]:
    return sorted(p.name for p in VECTORS.iterdir() if p.is_dir())


def seeds() -> dict[str, dict[str, bytes]]:
    out: dict[str, dict[str, bytes]] = {"call": {}, "ffi": {}, "store_patch": {}, "nsp": {}}
    for entry in entries():
        folder = out.setdefault(f"entry/{entry}", {})
        for case in sorted((VECTORS / entry).glob("*.json")):
            doc = case.read_bytes()
            folder[case.stem] = doc
            out["call"][f"{entry}-{case.stem}"] = entry.encode() + b"\0" + doc
    out["call"]["unknown-entry"] = b"horoscope\0{}"

    base = (VECTORS / "estate" / "base.json").read_bytes()
    bad_utf8 = base.replace(b'"name": "', b'"name": "\xff\xfe', 1)
    embedded_nul = base[:40] + b"\0" + base[40:]
    ffi = out["ffi"]
    # open in memory, save, load, list, version, free, use after free, error ops
    ffi["store-life"] = (
        op(2)
        + op(4, 0x40, base)
        + op(5, 0x40, b"lotus-court")
        + op(6, 0x40)
        + op(7, 0x40)
        + op(5, 0x40, b"nowhere")
        + op(9, 0x40)
        + op(8, 0x40)
        + op(6, 0x40)
        + op(8, 0x40)
        + op(9, 0xC0)
        + op(9, 0x40)
        + op(11, 0x40)
    )
    ffi["file-store"] = op(3, 0x40, b"estate.db") + op(4, 0x40, base) + op(3, 0x40, b"caf\xe9.db")
    ffi["call-and-validate"] = (
        op(0, 0, base)
        + op(1, 0x40, bad_utf8)
        + op(1, 0x40, embedded_nul)
        + op(0, 0x60, b"no such entry", b"{}")
        + op(0, 0x60, b"\xff\xfe", b"{}")
        + op(10, 0x40)
    )
    ffi["nulls"] = op(0, 0x01, b"{}") + op(1, 0x04, base) + op(2, 0x04) + op(2, 0x08) + op(6, 0x01)

    out["store_open"] = {"empty": b"", "header-only": b"SQLite format 3\0" + bytes(84)}

    patch = out["store_patch"]
    patch["none"] = b""
    patch["header"] = b"\x00\x00\x00\x04XXXX"
    patch["page-2"] = struct.pack("<I", 512)[:3] + b"\x08" + b"\xff" * 8

    nsp = out["nsp"]
    nsp["doc-example"] = (
        b"SECTION_HORIZON\n7\n\nSECTION_SHIFTS\nD,480,\n\nSECTION_STAFF\n"
        b"A,D=7,2400,0,5,1,1,2\n\nSECTION_COVER\n0,D,1,100,1\n"
    )
    nsp["all-sections"] = (
        b"# A small instance written for the fuzzer\r\n"
        b"SECTION_HORIZON\r\n14\r\n\r\n"
        b"SECTION_SHIFTS\r\nE,480,L\r\nL,480,\r\n\r\n"
        b"SECTION_STAFF\r\n"
        b"A,E=14|L=14,4320,3360,5,2,2,1\r\nB,E=14|L=0,4320,3360,5,2,2,1\r\n\r\n"
        b"SECTION_DAYS_OFF\r\nA,0,6\r\nB,3\r\n\r\n"
        b"SECTION_SHIFT_ON_REQUESTS\r\nA,2,E,2\r\n\r\n"
        b"SECTION_SHIFT_OFF_REQUESTS\r\nB,4,L,3\r\n\r\n"
        b"SECTION_COVER\r\n0,E,1,100,1\r\n0,L,1,100,1\r\n13,E,2,100,1\r\n"
    )
    return out


def name(key: str, data: bytes) -> str:
    return f"{key}-{hashlib.sha1(data).hexdigest()[:8]}"


def main() -> int:
    check = sys.argv[1:] == ["--check"]
    stale = []
    for target, files in seeds().items():
        folder = CORPUS / target
        if not check:
            folder.mkdir(parents=True, exist_ok=True)
        for key, data in files.items():
            path = folder / name(key, data)
            if check:
                if not path.is_file() or path.read_bytes() != data:
                    stale.append(str(path.relative_to(HERE)))
            else:
                path.write_bytes(data)
    if stale:
        print("stale or missing seeds (run python3 tests/fuzz/seed.py):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
