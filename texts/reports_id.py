"""Indonesian: the words of the reports (``services.reports``), the monthly .xlsx and a
case's PDF. Keys match reports_en.py.

Plain text, not Telegram markup: the .xlsx takes it as it is and the PDF escapes it. The
values of a case's status, an absence's reason and a ruling are written as they are stored,
as the reports have always shown them.
"""

LABELS: dict[str, str] = {
    # The monthly .xlsx
    "xlsx.summary_sheet": "Ringkasan",
    "xlsx.title": "Laporan pelaksanaan pidana kerja sosial — {month}",
    "xlsx.unnamed_site": "Lokasi",
    "xlsx.site": "Lokasi",
    "xlsx.cases": "Kasus",
    "xlsx.code": "Kode",
    "xlsx.offender": "Nama terpidana",
    "xlsx.decision": "Putusan",
    "xlsx.sessions_planned": "Sesi terjadwal (sudah lewat)",
    "xlsx.sessions_held": "Sesi terlaksana",
    "xlsx.hours_credited": "Jam dikreditkan",
    "xlsx.hours_month": "Jam bulan ini",
    "xlsx.hours_to_date": "Jam total",
    "xlsx.hours_decision": "Jam putusan",
    "xlsx.absences": "Ketidakhadiran",
    "xlsx.invalid": "Tidak sah",
    "xlsx.completed": "Selesai",
    "xlsx.status": "Status",
    "xlsx.percent_done": "Capaian (jam total ÷ jam putusan)",
    "xlsx.total": "Jumlah",
    "xlsx.case_count": "{count} kasus",
    "xlsx.agency": "Instansi",
    "xlsx.all_agencies": "Semua instansi",
    "xlsx.period": "Periode",
    "xlsx.made": "Dibuat",
    "xlsx.site_title": "{site} — {month}",
    "xlsx.site_host": "Instansi tuan rumah: {host} · {address}",
    "xlsx.note_planned": (
        "Sesi terjadwal: sesi yang sudah lewat saat laporan dibuat; sesi yang belum "
        "berlangsung tidak dihitung."
    ),
    "xlsx.note_hours": (
        "Jam ditulis dengan satu desimal dan tidak pernah dibulatkan ke atas. Jumlah dihitung "
        "dari menitnya, sehingga dapat sedikit lebih besar dari penjumlahan baris di atasnya."
    ),
    "xlsx.prepared_by": "Dibuat oleh,",
    "xlsx.acknowledged_by": "Mengetahui,",
    "xlsx.signature_line": "(..............................................)",
    "xlsx.signature_id": "NIP.",
    #: the footer of every printed page; &P is the page, &N the number of pages
    "xlsx.page": "Halaman &P dari &N",
    # The month's absences
    "xlsx.absences_sheet": "Ketidakhadiran",
    "xlsx.absences_title": "Ketidakhadiran dan keputusannya — {month}",
    "xlsx.no_absences": "Tidak ada ketidakhadiran pada bulan ini.",
    "xlsx.day": "Tanggal",
    "xlsx.category": "Alasan",
    "xlsx.reason": "Keterangan",
    "xlsx.reported_by": "Dilaporkan oleh",
    "xlsx.ruling": "Keputusan",
    "xlsx.ruled_by": "Diputuskan oleh",
    "xlsx.ruled_at": "Diputuskan pada",
    # A case's PDF
    "pdf.document_title": "Kerja sosial {code}",
    "pdf.title": "Ringkasan pelaksanaan pidana kerja sosial — {code}",
    "pdf.offender": "Terpidana",
    "pdf.decision": "Putusan",
    "pdf.service": "Kerja sosial",
    "pdf.service_terms": "{hours} jam, {per_day} jam/hari, di {site}",
    "pdf.period": "Masa pelaksanaan",
    "pdf.consequence": "Bila tidak dilaksanakan tanpa alasan sah",
    "pdf.credited": "Jam dikreditkan",
    "pdf.credited_terms": "{credited} dari {total} jam — status: {status}",
    "pdf.sessions": "Sesi",
    "pdf.violations": "Pelanggaran",
    "pdf.violations_terms": (
        "{count} (tidak sah atau dipulangkan karena perilaku); teguran: {warnings}"
    ),
    "pdf.sessions_terms": (
        "{held} hari hadir, {planned} sesi terjadwal sudah lewat, "
        "{absences} ketidakhadiran ({invalid} tidak sah)"
    ),
    "pdf.attendance": "Kehadiran",
    "pdf.attendance_last": "({count} terakhir)",
    "pdf.absences": "Ketidakhadiran",
    "pdf.notes": "Catatan pada kehadiran",
    "pdf.note": "Catatan",
    "pdf.note_corrected": "dikoreksi jaksa: {reason}",
    "pdf.note_void": "dibatalkan jaksa (tidak dihitung): {reason}",
    "pdf.note_manual": "jam pulang diketik: {reason}",
    "pdf.note_open": "belum tercatat pulang",
    "pdf.note_geofence": "di luar batas lokasi ({distance} m)",
    "pdf.note_rating": "penilaian pengawas atas kerja dan sikap: {rating}",
    "pdf.note_sent_home": "dipulangkan lebih awal oleh pengawas ({cause}): {reason}",
    "sent_home.perilaku": "perilaku",
    "sent_home.cuaca": "cuaca",
    "sent_home.sarana": "tidak ada alat atau pekerjaan",
    "sent_home.lainnya": "alasan lain",
    "rating.baik": "baik",
    "rating.cukup": "cukup",
    "rating.kurang": "kurang",
    "pdf.schedule": "Jadwal",
    "pdf.day": "Tanggal",
    "pdf.hours": "Jam kerja",
    "pdf.credited_column": "Dikreditkan",
    "pdf.reason": "Alasan",
    "pdf.ruling": "Keputusan",
    "pdf.next_session": "Sesi berikutnya",
    "pdf.starts": "Mulai",
    "pdf.minutes": "Menit",
    #: strftime pattern of a session's start: 08.00
    "pdf.clock": "%H.%M",
    #: the decimal separator of hours: 95,5
    "decimal": ",",
    # Stored values, as shown in the reports
    "status.aktif": "aktif",
    "status.selesai": "selesai",
    "status.ditutup": "ditutup",
    "category.sakit": "sakit",
    "category.izin": "izin",
    "category.tanpa_keterangan": "tanpa keterangan",
    "category.lainnya": "lainnya",
    "ruling.sah": "sah",
    "ruling.tidak_sah": "tidak sah",
    "ruling.pending": "menunggu",
    "source.pengawas": "pengawas",
    "source.terpidana": "terpidana",
}
