"""Filled spreadsheets for tests, built the way Kejari staff would fill the template, and
the text a generated PDF shows."""

import base64
import csv
import io
import re
import zlib

import openpyxl

Row = dict[str, object]


def site(**cells: object) -> Row:
    row: Row = {
        "nama_lokasi": "Taman Samarendah",
        "instansi_tuan_rumah": "Dinas Lingkungan Hidup Kota Samarinda",
        "alamat": "Jl. Bhayangkara, Samarinda",
        "lintang": "-0,4948",
        "bujur": "117,1436",
        "radius_m": None,
        "zona_waktu": None,
        "kegiatan": "Menyapu taman, Menyiram tanaman",
        "kapasitas": 10,
        "pernyataan_nonkomersial": "ya",
    }
    row.update(cells)
    return row


def case(**cells: object) -> Row:
    row: Row = {
        "nama_terpidana": "Andi Pratama",
        "nomor_putusan": "12/Pid.B/2026/PN Smr",
        "pengadilan": "Pengadilan Negeri Samarinda",
        "tanggal_putusan": "02-02-2026",
        "total_jam": 40,
        "jam_per_hari": 2,
        "hari": "Senin, Rabu, Jumat",
        "lokasi": "Taman Samarendah",
        "tanggal_mulai": "09-02-2026",
        "batas_waktu": None,
        "jam_mulai": None,
        "akibat": "penjara",
        "pidana_pengganti": "1 bulan penjara",
        "nama_jaksa": None,
        "nama_pk": None,
    }
    row.update(cells)
    return row


def xlsx(sheets: dict[str, list[Row | None]], headers: dict[str, list[str]] | None = None) -> bytes:
    """A workbook with one sheet per entry; ``None`` rows stay blank."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        ws = workbook.create_sheet(name)
        columns = (headers or {}).get(name) or _columns(rows)
        ws.append(columns)
        for row in rows:
            ws.append([None] * len(columns) if row is None else [row.get(c) for c in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _columns(rows: list[Row | None]) -> list[str]:
    return list(next(r for r in rows if r is not None))


def csv_bytes(rows: list[Row], *, delimiter: str = ",", bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    columns = list(rows[0])
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row[c] is None else row[c] for c in columns])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def pdf_text(data: bytes) -> str:
    """The strings a reportlab PDF shows, in order (its streams are ASCII85 and Flate)."""
    shown: list[str] = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        content = zlib.decompress(base64.a85decode(match.group(1).strip().removesuffix(b"~>")))
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", content):
            text = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), literal)
            shown.append(re.sub(rb"\\(.)", rb"\1", text).decode("cp1252"))
    return "\n".join(shown)
