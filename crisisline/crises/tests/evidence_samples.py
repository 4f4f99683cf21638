"""Small, valid files for the evidence tests, made here rather than kept as binaries in the repository."""

from __future__ import annotations

import io
import struct
from functools import cache

from PIL import ExifTags, Image

GPS_MARKER = b"WGS-84"  # the GPS map datum written into the sample photo's EXIF
RED, BLUE = (255, 0, 0), (0, 0, 255)


@cache  # the ICC profile holds the time it was made: the same photo each time
def jpeg_with_gps(*, width: int = 40, height: int = 20, orientation: int = 6) -> bytes:
    """A photo as a phone takes it: left half red, right half blue, stored on its side with an EXIF
    orientation (6: turn it a quarter clockwise to see it upright), the camera's make, a GPS position in
    Mysuru, and an ICC profile."""
    from PIL import ImageCms

    image = Image.new("RGB", (width, height), RED)
    image.paste(BLUE, (width // 2, 0, width, height))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (12.0, 18.0, 0.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (76.0, 39.0, 0.0),
        ExifTags.GPS.GPSMapDatum: GPS_MARKER.decode(),
    }
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, icc_profile=icc, quality=95)
    return out.getvalue()


def png(width: int = 8, height: int = 8) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), BLUE).save(out, "PNG")
    return out.getvalue()


def pdf() -> bytes:
    """A one-page PDF with its cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return body


def _ogg_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def _ogg_page(packet: bytes, *, sequence: int, first: bool) -> bytes:
    header = b"OggS" + struct.pack("<BBqIIIB", 0, 2 if first else 0, 0, 0x5EED, sequence, 0, 1)
    page = header + bytes([len(packet)]) + packet
    return page[:22] + struct.pack("<I", _ogg_crc(page)) + page[26:]


def ogg_opus() -> bytes:
    """The two header pages of an Ogg Opus stream, as WhatsApp voice notes begin."""
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, 312, 16000, 0, 0)
    tags = b"OpusTags" + struct.pack("<I", 6) + b"tester" + struct.pack("<I", 0)
    return _ogg_page(head, sequence=0, first=True) + _ogg_page(tags, sequence=1, first=False)


def amr(frames: int = 50) -> bytes:
    """One second of AMR narrowband at 12.2 kbit/s (mode 7 frames of 32 bytes), as cheap phones record."""
    return b"#!AMR\n" + (b"\x3c" + bytes(31)) * frames


def m4a() -> bytes:
    """The start of an M4A file: its ftyp box and an audio track's handler box."""
    ftyp = struct.pack(">I", 24) + b"ftypM4A " + struct.pack(">I", 0) + b"M4A isom"
    hdlr = struct.pack(">I", 33) + b"hdlr" + bytes(8) + b"soun" + bytes(12) + b"\x00"
    return ftyp + hdlr


def exe() -> bytes:
    """The start of a Windows program."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(50) + b"This program cannot be run"
