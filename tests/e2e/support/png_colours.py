#!/usr/bin/env python3
"""Reads a PNG with the standard library alone (zlib) and checks that it shows a page, not a
blank: its size, how many distinct colours it has, and whether given colours fill some pixels.

    png_colours.py FILE --min-colours N [--has RRGGBB ...] [--width W]

Prints one "PASS ..." or "FAIL ..." line per check (the e2e suites count them) and the
figures it found."""
import argparse
import struct
import sys
import zlib


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    width, height, depth, colour_type, _, _, interlace = header
    if depth != 8 or colour_type not in (2, 6) or interlace != 0:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour_type}, interlace {interlace}")
    channels = 3 if colour_type == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous, at = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        at += 1 + stride
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + ((left + up) >> 1)) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--min-colours", type=int, default=16)
    parser.add_argument("--has", nargs="*", default=[])
    parser.add_argument("--width", type=int)
    args = parser.parse_args()
    try:
        width, height, channels, rows = read_png(args.file)
    except (OSError, ValueError, zlib.error, TypeError) as error:
        print(f"FAIL {args.file} is a PNG we can read: {error}")
        return 1
    counts = {}
    for row in rows:
        for i in range(0, len(row), channels):
            colour = row[i:i + 3]
            counts[colour] = counts.get(colour, 0) + 1
    commonest = max(counts.values())
    print(f"{args.file}: {width}x{height}, {len(counts)} distinct colours, "
          f"the commonest covers {100 * commonest / (width * height):.1f}%")
    if args.width is not None:
        ok = width == args.width
        print(f"{'PASS' if ok else 'FAIL'} {args.file} is {args.width} pixels wide (it is {width})")
    ok = len(counts) >= args.min_colours and commonest < width * height
    print(f"{'PASS' if ok else 'FAIL'} {args.file} is not blank: at least {args.min_colours} "
          f"distinct colours (it has {len(counts)})")
    for wanted in args.has:
        colour = bytes.fromhex(wanted)
        pixels = counts.get(colour, 0)
        ok = pixels >= 20
        print(f"{'PASS' if ok else 'FAIL'} {args.file} shows #{wanted} ({pixels} pixels)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
