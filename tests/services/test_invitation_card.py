"""The printable invitation card: what it says, in which language and zone, and when there
is none. "Now" is set here: Monday 30 November 2026, 14.00 WITA, so a week's invitation
reads "berlaku sampai Senin, 7 Desember 2026 pukul 14.00 WITA"."""

import shutil
import struct
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.actor import Actor
from domain.roles import Role
from services import invitation_card, invitations
from services.invitation_card import PAGE_HEIGHT, PAGE_WIDTH, Card, Code, Text
from services.origin import Origin
from services.people import Profile
from storage.db import Database
from tests.pdf_text import pdf_text
from tests.seeds import seed_office, seed_site
from texts import Texts

NOW = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # Monday, 14.00 WITA
WEEK = timedelta(days=7)
BOT = "kerjasosial_bot"
ME = Profile("Jaksa Konsol", "id")


async def _offender_invitation(db: Database) -> tuple[str, str]:
    """A case at "Taman Uji" (every day from today, 08.00-10.00) and its offender's new
    invitation: the case code and the token."""
    jaksa = await seed_office(db, NOW)
    [code] = await seed_site(db, NOW, jaksa, name="Taman Uji", cases=1, pengawas_telegram_id=77)
    created = await invitations.invite_offender(
        Origin(db, jaksa, NOW), code=code, profile=ME, validity=WEEK
    )
    assert created.token is not None
    return code, created.token


async def _pengawas_invitation(db: Database) -> str:
    jaksa = await seed_office(db, NOW)
    await seed_site(db, NOW, jaksa, name="Taman Uji", cases=1, pengawas_telegram_id=77)
    created = await invitations.create_invitation(
        Origin(db, jaksa, NOW),
        role=Role.PENGAWAS,
        agency_id=2,  # the site's host, the Dinas, where its supervisor works
        profile=ME,
        validity=WEEK,
        site_id=1,
    )
    assert created.token is not None
    return created.token


async def _card(db: Database, token: str, lang: str = "id", now: datetime = NOW) -> Card | None:
    return await invitation_card.card_for_token(
        db.reader(), token, bot_username=BOT, texts=Texts(lang), now=now
    )


async def test_an_offenders_card_names_the_case_the_first_session_and_the_expiry(
    db: Database,
) -> None:
    code, token = await _offender_invitation(db)
    card = await _card(db, token)
    assert card is not None
    assert card.link == f"https://t.me/{BOT}?start={token}"
    assert card.text_lines() == [
        "KARTU UNDANGAN",
        "Terpidana (peserta kerja sosial)",
        "Kejaksaan Negeri Samarinda",
        "Bot Telegram @kerjasosial_bot",
        "Berlaku sampai Senin, 7 Desember 2026 pukul 14.00 WITA",
        "Hanya untuk satu orang. Jangan dibagikan.",
        "KASUS",
        f"{code} · Peserta 0",  # the invitation message shows the name too
        "SESI PERTAMA",
        # Today's session (08.00-10.00) is over at 14.00: the first one ahead is tomorrow's.
        "Selasa, 1 Desember 2026, 08.00–10.00 WITA",
        "Taman Uji",
        "Jl. 1",
        "CARA MEMULAI",
        "Buka kamera atau Telegram, lalu pindai kode di atas.",
        "Tekan “Mulai” (Start) di Telegram.",
        "Bot mengonfirmasi pendaftaran Anda dan mengingatkan sebelum setiap sesi.",
    ]
    assert card.file_stem == f"undangan-{code}"


async def test_a_pengawas_card_names_the_site_and_no_case(db: Database) -> None:
    card = await _card(db, await _pengawas_invitation(db))
    assert card is not None
    lines = card.text_lines()
    assert lines[1:3] == ["Pengawas", "Dinas Lingkungan Hidup Kota Samarinda"]
    assert "LOKASI YANG DIAWASI" in lines and "Taman Uji" in lines and "Jl. 1" in lines
    assert "KASUS" not in lines and not any("Peserta" in line for line in lines)
    assert card.steps[-1] == "Bot mengonfirmasi peran Anda. Ketik /bantuan untuk daftar perintah."


async def test_the_card_is_english_for_an_english_inviter(db: Database) -> None:
    _, token = await _offender_invitation(db)
    card = await _card(db, token, "en")
    assert card is not None
    assert card.role == "Community-service participant (terpidana)"
    assert card.expires == "Valid until Monday, 7 December 2026 at 14:00 WITA"
    assert "Tuesday, 1 December 2026, 08:00–10:00 WITA" in card.text_lines()
    assert card.steps[1] == "Tap “Start” in Telegram."


async def test_an_expired_used_or_unknown_invitation_gives_no_card(db: Database) -> None:
    _, token = await _offender_invitation(db)
    assert await _card(db, token, now=NOW + WEEK - timedelta(seconds=1)) is not None
    assert await _card(db, token, now=NOW + WEEK) is None  # expired
    assert await _card(db, "A" * 32) is None  # unknown
    assert await _card(db, "not a token") is None
    offender = Origin(db, Actor(4242), NOW + timedelta(hours=1))
    redeemed = await invitations.redeem_invitation(offender, token, Profile("Peserta", "id"))
    assert redeemed.outcome is invitations.Redemption.JOINED
    assert await _card(db, token, now=NOW + timedelta(hours=2)) is None  # used


async def test_a_card_without_a_session_ahead_says_the_bot_sends_the_schedule(
    db: Database,
) -> None:
    _, token = await _offender_invitation(db)
    late = NOW + timedelta(days=6)
    async with db.transaction() as store:
        for session in await store.cases.sessions_of(1):
            await store.cases.cancel_session(session.id)
    card = await _card(db, token, now=late)
    assert card is not None
    assert card.details[-1].lines == ("Jadwal dikirim oleh bot setelah Anda bergabung.",)


async def test_the_pdf_is_a6_and_its_text_is_the_cards(db: Database, tmp_path: Path) -> None:
    code, token = await _offender_invitation(db)
    card = await _card(db, token)
    assert card is not None
    drawn = await invitation_card.render(card)
    assert drawn.pdf.startswith(b"%PDF")
    assert b"/MediaBox [ 0 0 297.6378 419.5276 ]" in drawn.pdf  # 105 x 148 mm
    # The PNG is the same card at 300 dpi: 1240 x 1748 pixels.
    assert drawn.png.startswith(b"\x89PNG")
    assert struct.unpack(">II", drawn.png[16:24]) == (1240, 1748)
    text = pdf_text(drawn.pdf, layout=False)
    for words in (
        "Terpidana (peserta kerja sosial)",
        "Kejaksaan Negeri Samarinda",
        "@kerjasosial_bot",
        "Berlaku sampai Senin, 7 Desember 2026",
        "pukul 14.00 WITA",
        f"{code} · Peserta 0",
        "Selasa, 1 Desember 2026, 08.00–10.00 WITA",
        "Tekan “Mulai” (Start) di Telegram.",
    ):
        assert words in text, words


async def test_the_qr_code_decodes_to_the_link(db: Database, tmp_path: Path) -> None:
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg (zbar-tools) is not installed")
    card = await _card(db, await _pengawas_invitation(db))
    assert card is not None
    (tmp_path / "card.png").write_bytes(invitation_card.card_png(card))
    decoded = subprocess.run(
        ["zbarimg", "-q", "--raw", str(tmp_path / "card.png")], capture_output=True, text=True
    ).stdout.split()
    assert decoded == [card.link]


async def test_long_words_stay_on_the_card(db: Database) -> None:
    """A long agency, site name and address wrap inside the margins, and the page holds
    them all without pushing the steps off its bottom."""
    _, token = await _offender_invitation(db)
    card = await _card(db, token)
    assert card is not None
    case, session = card.details
    day = session.lines[0]
    site = "Taman Hutan Raya Lempake dan Kebun Raya Universitas Mulawarman Samarinda"
    address = (
        "Jl. Poros Samarinda-Bontang Km. 12, RT 45, Kelurahan Tanah Merah, Kecamatan "
        "Samarinda Utara, Kota Samarinda, Kalimantan Timur 75117, "
        + "Sungai" * 12  # one word too long for any line: broken inside it
        + " dan seterusnya sampai tiga baris tidak cukup lagi untuk semuanya"
    )
    long = replace(
        card,
        role="Peserta kerja sosial dengan nama peran yang sangat panjang sekali",
        agency="Kejaksaan Negeri Kabupaten Kepulauan Selayar dan Sekitarnya " * 2,
        details=(case, replace(session, lines=(day, site, address))),
    )
    items = invitation_card.layout(long, invitation_card.measure, 37)
    texts = [i for i in items if isinstance(i, Text)]
    for item in texts:
        width = invitation_card.measure(item.text, item.size, item.bold)
        left = item.x - width / 2 if item.centred else item.x
        assert left >= invitation_card.MARGIN - 0.01 and left + width <= PAGE_WIDTH - 8, item
        assert item.y <= PAGE_HEIGHT - 5, item
    [qr] = [i for i in items if isinstance(i, Code)]
    assert qr.size >= 30 * invitation_card.MM  # still easy to scan
    assert texts[-1].text.endswith("setiap sesi.")  # the last step is there
    assert min(t.size for t in texts) >= 5.5  # and still readable (small labels at 80 %)
    assert any(t.text.endswith("…") for t in texts)  # the address, cut after three lines


def test_importing_the_module_loads_no_drawing_library() -> None:
    """The bot's start imports the handlers; Pillow, reportlab and segno wait for a card."""
    probe = (
        "import sys, handlers.render, services.invitation_card; "
        "print(sorted(m for m in ('PIL', 'reportlab', 'segno') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout
    assert out.strip() == "[]"
