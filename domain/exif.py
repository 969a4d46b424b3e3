"""What a photo sent "as file" says about itself: when it was taken and where.

Telegram strips EXIF from photos it compresses, but a photo sent as a document keeps it.
The capture time and GPS position are recorded as extra evidence; the position is checked
against the site's geofence like a shared location.
"""

import io
from dataclasses import dataclass
from datetime import datetime

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_DATETIME_ORIGINAL = 36867
_DATETIME = 306
# Formats that can carry EXIF (JPEG, TIFF, PNG, WebP); for anything else Pillow would try
# every format it knows, for nothing.
_SIGNATURES = (b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"\x89PNG\r\n\x1a\n")


@dataclass(frozen=True)
class ExifFacts:
    taken_at: datetime | None  # camera's local time, no zone: cameras do not record one
    latitude: float | None
    longitude: float | None


def _degrees(value: object, ref: object) -> float | None:
    try:
        d, m, s = (float(part) for part in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + s / 3600
    return -degrees if str(ref).upper() in ("S", "W") else degrees


def read_exif(data: bytes | bytearray) -> ExifFacts:
    """The capture time and GPS position, where the file has them; never raises."""
    if not (data.startswith(_SIGNATURES) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")):
        return ExifFacts(None, None, None)
    # Pillow loads on the first photo sent as a file, not when the bot starts.
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
            details = exif.get_ifd(_EXIF_IFD)
            gps = exif.get_ifd(_GPS_IFD)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return ExifFacts(None, None, None)
    taken_at = None
    stamp = details.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    if isinstance(stamp, str):
        try:
            taken_at = datetime.strptime(stamp.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
        except ValueError:
            taken_at = None
    latitude = _degrees(gps.get(2), gps.get(1)) if gps.get(2) else None
    longitude = _degrees(gps.get(4), gps.get(3)) if gps.get(4) else None
    if (
        latitude is None
        or longitude is None
        or not (-90 <= latitude <= 90 and -180 <= longitude <= 180)
    ):
        latitude = longitude = None
    return ExifFacts(taken_at, latitude, longitude)
