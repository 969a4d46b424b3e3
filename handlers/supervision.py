"""What every supervisor's step shares: the case code in a text, the photo that is the
evidence. Check-in, check-out and absences all use these, so they live below those feature
modules.
"""

import re

from telegram import Message

from services.attendance import Photo

CODE_RE = re.compile(r"\bKS-\d{4}-\d{4,}\b", re.IGNORECASE)


def photo_of(message: Message) -> Photo | None:
    """The largest size of a photo, or an image sent as a file (which keeps its EXIF)."""
    if message.photo:
        largest = message.photo[-1]
        return Photo(largest.file_id, largest.file_unique_id, largest.file_size)
    document = message.document
    if document is not None and (document.mime_type or "").startswith("image/"):
        return Photo(document.file_id, document.file_unique_id, document.file_size)
    return None
