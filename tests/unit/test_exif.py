"""Reading capture time and GPS from a photo sent as a file."""

import io
from datetime import datetime

from PIL import Image

from domain.exif import read_exif


def jpeg_with_exif(
    lat: float | None = None, lon: float | None = None, taken: str | None = None, kind: str = "JPEG"
) -> bytes:
    image = Image.new("RGB", (32, 24), "green")
    exif = Image.Exif()
    if taken:
        exif.get_ifd(0x8769)[36867] = taken
    if lat is not None and lon is not None:
        gps = exif.get_ifd(0x8825)
        gps[1] = "S" if lat < 0 else "N"
        gps[2] = _dms(abs(lat))
        gps[3] = "W" if lon < 0 else "E"
        gps[4] = _dms(abs(lon))
    buffer = io.BytesIO()
    image.save(buffer, kind, exif=exif)
    return buffer.getvalue()


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 4)
    return (float(degrees), float(minutes), seconds)


def test_capture_time_and_position_are_read() -> None:
    facts = read_exif(jpeg_with_exif(-0.5021, 117.1536, "2026:03:02 08:05:00"))
    assert facts.taken_at == datetime(2026, 3, 2, 8, 5)
    assert facts.latitude is not None and abs(facts.latitude + 0.5021) < 1e-4
    assert facts.longitude is not None and abs(facts.longitude - 117.1536) < 1e-4


def test_photos_without_exif_or_not_images_give_nothing() -> None:
    assert read_exif(jpeg_with_exif()).latitude is None
    assert read_exif(b"not an image").taken_at is None
    assert read_exif(b"").longitude is None


def test_every_format_a_phone_sends_with_exif_is_read() -> None:
    for kind in ("JPEG", "WEBP"):
        facts = read_exif(jpeg_with_exif(-0.5021, 117.1536, "2026:03:02 08:05:00", kind))
        assert facts.taken_at == datetime(2026, 3, 2, 8, 5), kind
        assert facts.latitude is not None and abs(facts.latitude + 0.5021) < 1e-4, kind
