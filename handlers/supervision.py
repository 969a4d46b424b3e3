"""What every supervisor's step shares: the sites they supervise, the case code in a text,
the photo that is the evidence. Check-in, check-out and absences all use these, so they live
below those feature modules.
"""

import re
from dataclasses import dataclass

from telegram import Message

from domain.models import Case, Site
from handlers.context import Request

CODE_RE = re.compile(r"\bKS-\d{4}-\d{4,}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Photo:
    file_id: str
    file_unique_id: str
    size: int | None


def photo_of(message: Message) -> Photo | None:
    """The largest size of a photo, or an image sent as a file (which keeps its EXIF)."""
    if message.photo:
        largest = message.photo[-1]
        return Photo(largest.file_id, largest.file_unique_id, largest.file_size)
    document = message.document
    if document is not None and (document.mime_type or "").startswith("image/"):
        return Photo(document.file_id, document.file_unique_id, document.file_size)
    return None


async def supervised_sites(req: Request) -> list[Site]:
    if req.actor.person is None:
        return []
    return await req.db.reader().sites.supervised_by(req.actor.person.id)


async def site_if_mine(req: Request, case: Case | None) -> Site | None:
    """The case's site if it is one I supervise: the one rule for what a pengawas may record."""
    if case is None:
        return None
    return next((s for s in await supervised_sites(req) if s.id == case.site_id), None)
