"""Indonesian: the words of the import template (``domain.spreadsheet.build_template``).

The template is Indonesian only, by design: its sheet and column names are what the import
reads back (``domain.spreadsheet`` holds them with the rules), and Kejari staff fill it in
Excel, not in the bot's chat, so it has one language whatever the sender's Telegram is set
to. The messages about a filled file sent back are in the chat catalogs (``sheet.*`` in
catalog_id.py and catalog_en.py), in the reader's language.

Texts may import nothing of the project, so the limits come as placeholders that
``domain.spreadsheet`` fills from its rules: see ``template_values`` there. Every help text
and guide line is formatted with all of them; ``{default_start}`` is a ``datetime.time``.
"""

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class TemplateText:
    """What ``domain.spreadsheet.TemplateWords`` asks for."""

    #: The workbook's title, in its document properties.
    title: str
    #: The name of the sheet that explains the others (not read back).
    guide_sheet: str
    #: Its first lines; the first is its heading.
    guide: tuple[str, ...]
    #: The heads of its table of columns: sheet, column, required, explanation.
    guide_headings: tuple[str, str, str, str]
    #: In that table's "required" column.
    required: str
    optional: str
    #: The value the declaration's drop-down offers: a yes that the import reads as yes.
    declared: str
    #: Shown by Excel when a typed value is not in a drop-down list; ``{choices}``.
    choice_error: str
    #: The explanation of each column in the guide, by column name.
    help: Mapping[str, str]
    #: The example row of each data sheet, by column name; a column not here stays empty.
    #: The first column's example starts with "Contoh", which marks the row to be skipped.
    examples: Mapping[str, object]


_DATE_HELP = (
    "Tulis hari-bulan-tahun: 05-01-2026, 5/1/2026 atau 5 Januari 2026; 2026-01-05 juga boleh."
)

TEMPLATE = TemplateText(
    title="Templat impor kerja sosial",
    guide_sheet="Petunjuk",
    guide=(
        "Petunjuk pengisian templat impor kerja sosial",
        "",
        "• Lembar {sites}: satu baris untuk setiap lokasi kerja sosial. Lembar "
        "{cases}: satu baris untuk setiap putusan.",
        "• Baris 1 berisi nama kolom: jangan diubah. Urutan kolom boleh diubah.",
        "• Baris 2 adalah contoh. Baris yang diawali kata “Contoh” dilewati; hapus atau "
        "timpa baris itu dengan data Anda.",
        "• Kolom berlatar hijau wajib diisi; kolom berlatar abu-abu boleh dikosongkan.",
        "• Lembar {sites} boleh kosong bila semua kasus memakai lokasi yang sudah terdaftar.",
        "• Kirim kembali berkas ini (.xlsx), atau satu lembar saja sebagai .csv. Paling "
        "besar {max_mb} MB dan {max_rows} baris per lembar.",
        "• Semua baris diperiksa. Bila ada satu kesalahan, tidak ada yang disimpan: bot "
        "menyebutkan setiap kesalahan dengan lembar, baris dan kolomnya.",
        "",
    ),
    guide_headings=("Lembar", "Kolom", "Wajib diisi", "Penjelasan dan nilai yang diizinkan"),
    required="ya",
    optional="tidak",
    declared="ya",
    choice_error="Pilih salah satu nilai dari daftar: {choices}",
    help={
        # Lokasi
        "nama_lokasi": "Nama lokasi kerja sosial, 3–120 huruf, berbeda untuk setiap baris. "
        "Nama ini dipakai di kolom lokasi pada lembar {cases}.",
        "instansi_tuan_rumah": "Nama instansi tuan rumah persis seperti terdaftar di bot.",
        "alamat": "Alamat lokasi, 3–300 huruf.",
        "lintang": "Lintang dalam derajat desimal, dari -90 sampai 90. Di selatan khatulistiwa "
        "nilainya negatif. Koma atau titik desimal sama-sama boleh: -0,4948 atau -0.4948.",
        "bujur": "Bujur dalam derajat desimal, dari -180 sampai 180, misalnya 117,1436.",
        "radius_m": "Jarak dari titik lokasi, dalam meter, yang masih dihitung berada di "
        "lokasi: {radius_min}–{radius_max}. Boleh kosong: {radius_default} meter.",
        "zona_waktu": "Asia/Jakarta atau Asia/Pontianak (WIB), Asia/Makassar (WITA), "
        "Asia/Jayapura (WIT). Boleh kosong: zona waktu instansi tuan rumah.",
        "kegiatan": "Jenis kegiatan, dipisahkan koma: 1–{activities_max} kegiatan, "
        "masing-masing {activity_min}–{activity_max} huruf. Kegiatan harus mendidik dan "
        "berguna bagi masyarakat.",
        "kapasitas": "Jumlah peserta paling banyak dalam satu sesi: 1–{capacity_max}.",
        "pernyataan_nonkomersial": "Isi ya: pekerjaan di lokasi ini tidak bersifat komersial "
        "dan tidak merendahkan martabat manusia (KUHP Pasal 85 ayat 3). Lokasi tanpa "
        "pernyataan ini tidak dapat didaftarkan.",
        # Kasus
        "nama_terpidana": "Nama lengkap terpidana seperti dalam putusan, "
        "{name_min}–{name_max} huruf.",
        "nomor_putusan": "Nomor putusan pengadilan. Tidak boleh sama dengan baris lain atau "
        "dengan kasus yang sudah terdaftar. {text_min}–{text_max} huruf.",
        "pengadilan": "Pengadilan yang memutus perkara.",
        "tanggal_putusan": "Tanggal putusan, tidak setelah hari ini. " + _DATE_HELP,
        "total_jam": "Jumlah jam kerja sosial dalam putusan: "
        "{total_hours_min}–{total_hours_max} jam (KUHP Pasal 85 ayat 4).",
        "jam_per_hari": "Jam kerja dalam satu hari menurut putusan: "
        "1–{daily_hours_max} jam (ayat 5).",
        "hari": "Hari kerja menurut putusan: nama hari dipisahkan koma (Senin, Rabu, Jumat), "
        "rentang (Senin-Jumat) atau angka 1–7 (1 = Senin, 7 = Minggu).",
        "lokasi": "Nama lokasi kerja sosial: dari lembar {sites} di berkas ini atau lokasi "
        "yang sudah terdaftar di bot.",
        "tanggal_mulai": "Hari pertama kerja sosial, tidak sebelum tanggal putusan. " + _DATE_HELP,
        "batas_waktu": "Hari terakhir, paling lambat {max_span_months} bulan setelah tanggal "
        "mulai (ayat 5). Boleh kosong: tepat {max_span_months} bulan setelah tanggal mulai.",
        "jam_mulai": "Jam mulai sesi, waktu setempat di lokasi: 08.00 atau 8:00. Boleh "
        "kosong: {default_start:%H.%M}.",
        "akibat": "Akibat bila kerja sosial tidak dilaksanakan tanpa alasan yang sah (ayat 7), "
        "menurut putusan: ulang (mengulang kerja sosial), penjara (menjalani pidana penjara "
        "yang diganti) atau denda (membayar pidana denda yang diganti).",
        "pidana_pengganti": "Pidana yang diganti, seperti tertulis dalam putusan, misalnya "
        "3 bulan penjara atau denda Rp5.000.000.",
        "nama_jaksa": "Nama jaksa yang mengawasi, seperti terdaftar di bot (lihat /orang); "
        "huruf besar-kecil tidak berpengaruh. Boleh kosong: Anda yang mengimpor. Bila ada dua "
        "jaksa bernama sama, tambahkan kejarinya dalam kurung: Siti Aminah (Kejaksaan Negeri "
        "Samarinda).",
        "nama_pk": "Nama pembimbing kemasyarakatan (PK) dari Bapas, seperti terdaftar di bot. "
        "Boleh kosong. Bila ada dua PK bernama sama, tambahkan Bapas-nya dalam kurung.",
        "hp_tanpa_telegram": "Hanya bila terpidana tidak memakai Telegram: nomor HP-nya "
        "(0812… atau +62812…). PK (atau jaksa) akan mendapat daftar telepon setiap malam "
        "sebagai ganti pengingat. Kosongkan bila terpidana memakai Telegram.",
    },
    examples={
        # Lokasi
        "nama_lokasi": "Contoh: Taman Samarendah",
        "instansi_tuan_rumah": "Dinas Lingkungan Hidup Kota Samarinda",
        "alamat": "Jl. Bhayangkara, Samarinda",
        "lintang": "-0,4948",
        "bujur": "117,1436",
        "radius_m": 150,
        "zona_waktu": "Asia/Makassar",
        "kegiatan": "Menyapu taman, Menyiram tanaman, Memungut sampah",
        "kapasitas": 10,
        "pernyataan_nonkomersial": "ya",
        # Kasus
        "nama_terpidana": "Contoh: Budi Santoso",
        "nomor_putusan": "12/Pid.B/2026/PN Smr",
        "pengadilan": "Pengadilan Negeri Samarinda",
        "tanggal_putusan": "02-02-2026",
        "total_jam": 40,
        "jam_per_hari": 2,
        "hari": "Senin, Rabu, Jumat",
        "lokasi": "Contoh: Taman Samarendah",
        "tanggal_mulai": "09-02-2026",
        "jam_mulai": "08.00",
        "akibat": "penjara",
        "pidana_pengganti": "1 bulan penjara",
    },
)
