"""The words of the *Berita Acara Pelaksanaan Pidana Kerja Sosial* (``services.closing_record``).

The Berita Acara is an official record that goes into the case file and is signed: it is
written in Indonesian whatever the reader's Telegram language, like the decision it closes.
Plain text: the renderer escapes it.
"""

LABELS: dict[str, str] = {
    "title": "BERITA ACARA PELAKSANAAN PIDANA KERJA SOSIAL",
    "number": "Nomor: BA-{code}",
    "republic": "KEJAKSAAN REPUBLIK INDONESIA",
    "opening": (
        "Pada hari ini, {day}, kami yang bertanda tangan di bawah ini menerangkan pelaksanaan "
        "pidana kerja sosial (Pasal 85 Undang-Undang Nomor 1 Tahun 2023 tentang Kitab "
        "Undang-Undang Hukum Pidana) berdasarkan putusan tersebut di bawah ini, dengan hasil: "
        "<b>{outcome}</b>."
    ),
    "outcome.selesai": "SELESAI DILAKSANAKAN",
    "outcome.tidak_selesai": "TIDAK SELESAI DILAKSANAKAN",
    "s.decision": "I. Putusan",
    "s.offender": "II. Identitas Terpidana",
    "s.sites": "III. Tempat Pelaksanaan",
    "s.hours": "IV. Pelaksanaan dan Jam Kerja",
    "s.absences": "V. Ketidakhadiran dan Penetapan Jaksa",
    "s.record": "VI. Koreksi, Pemulangan, dan Teguran",
    "s.outcome": "VII. Hasil",
    "decision.number": "Nomor putusan",
    "decision.court": "Pengadilan",
    "decision.date": "Tanggal putusan",
    "decision.hours": "Pidana kerja sosial",
    "decision.hours_value": "{hours} jam; paling lama {per_day} jam sehari; hari kerja: {weekdays}",
    "decision.period": "Masa pelaksanaan",
    "decision.period_value": "{start} s.d. {deadline}",
    "decision.consequence": "Bila tidak dilaksanakan tanpa alasan sah",
    "offender.name": "Nama",
    "offender.code": "Kode perkara kerja sosial",
    "offender.agency": "Jaksa eksekutor pada",
    "site.name": "Lokasi",
    "site.host": "Instansi penyelenggara",
    "site.address": "Alamat",
    "hours.month": "Bulan",
    "hours.days": "Hari kerja",
    "hours.credited": "Jam diakui",
    "hours.ordered": "Jam menurut putusan",
    "hours.total_credited": "Jumlah jam diakui",
    "hours.outstanding": "Jam belum dilaksanakan",
    "hours.none": "Belum ada jam kerja yang diakui.",
    "absence.day": "Tanggal",
    "absence.category": "Keterangan",
    "absence.reason": "Alasan",
    "absence.ruling": "Penetapan jaksa",
    "absence.none": "Tidak ada ketidakhadiran.",
    "absence.changed": "{day}: penetapan diubah dari {old} menjadi {new}. Alasan: {reason}",
    "record.none": "Tidak ada koreksi, pemulangan, atau teguran.",
    "record.corrected": "{day}: catatan jam dikoreksi. Alasan: {reason}",
    "record.void": "{day}: catatan jam dibatalkan. Alasan: {reason}",
    "record.manual": "{day}: jam pulang dicatat manual. Alasan: {reason}",
    "record.sent_home": "{day}: dipulangkan oleh pengawas ({cause}). Alasan: {reason}",
    "record.warning": "{day}: Teguran {level}: {text}",
    "outcome.completed": (
        "Terpidana telah melaksanakan seluruh pidana kerja sosial sebanyak {hours} jam pada {day}."
    ),
    "outcome.closed": "Pidana kerja sosial tidak selesai dilaksanakan; {outstanding} jam belum dilaksanakan.",
    "outcome.penalty_ordered": "Pidana yang diganti menurut putusan",
    "outcome.penalty_part": "Bagian pidana pengganti yang dijalani",
    "outcome.basis": "Dasar perhitungan",
    "outcome.reason": "Alasan penutupan",
    "outcome.law": (
        "Sesuai Pasal 85 ayat (7) KUHP, bagian tersebut sebanding dengan jam yang belum "
        "dilaksanakan; pembulatan ditetapkan oleh jaksa."
    ),
    "closing": "Demikian berita acara ini dibuat dengan sebenarnya untuk dapat dipergunakan sebagaimana mestinya.",
    "place_date": "{place}, {day}",
    "sign.jaksa": "Jaksa Eksekutor",
    "sign.pk": "Pembimbing Kemasyarakatan",
    "sign.pengawas": "Pengawas Lokasi",
    "sign.head": "Mengetahui,\nKepala {agency}",
    "sign.nip": "NIP. {nip}",
    "sign.no_nip": "NIP. ..............................",
    "sign.nobody": "(..............................)",
    "footer": "Berita Acara {code} · dibuat {made} · halaman {page}",
    "ruling.sah": "sah",
    "ruling.tidak_sah": "tidak sah",
    "ruling.pending": "belum ditetapkan",
    "category.sakit": "sakit",
    "category.izin": "izin",
    "category.tanpa_keterangan": "tanpa keterangan",
    "category.lainnya": "lainnya",
    "cause.perilaku": "perilaku",
    "cause.cuaca": "cuaca",
    "cause.sarana": "sarana",
    "cause.lainnya": "lainnya",
    "consequence.ulang": "mengulangi pidana kerja sosial",
    "consequence.penjara": "menjalani pidana penjara yang diganti: {penalty}",
    "consequence.denda": "membayar pidana denda yang diganti: {penalty}",
}

#: The written warning (teguran) to an offender, for the case file.
WARNING: dict[str, str] = {
    "title": "SURAT TEGURAN {level}",
    "number": "Nomor: TGR-{level}/{code}",
    "to": "Kepada Yth.\nSdr. {name}\nTerpidana pidana kerja sosial, perkara {code}\nPutusan {number}, {court}, {date}",
    "record": "Berdasarkan catatan pelaksanaan pidana kerja sosial, Saudara tercatat tidak melaksanakan kerja sosial tanpa alasan yang sah pada:",
    "law": "Sesuai Pasal 85 ayat (7) KUHP dan putusan tersebut, apabila Saudara tidak melaksanakan seluruh atau sebagian pidana kerja sosial tanpa alasan yang sah, Saudara wajib {follows}.",
    "closing": "Demikian teguran ini disampaikan untuk diperhatikan dan dilaksanakan.",
}
