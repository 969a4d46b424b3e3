"""Indonesian: the default language of the interface. Keys must match catalog_en.py."""

MESSAGES: dict[str, str] = {
    # Roles and agency types as people say them.
    "role.admin": "admin",
    "role.jaksa": "jaksa",
    "role.pk": "PK (pembimbing kemasyarakatan)",
    "role.pengawas": "pengawas",
    "role.pejabat": "pejabat",
    "role.terpidana": "terpidana (peserta kerja sosial)",
    "agency_type.kejati": "Kejaksaan Tinggi (Kejati)",
    "agency_type.kejari": "Kejaksaan Negeri (Kejari)",
    "agency_type.bapas": "Balai Pemasyarakatan (Bapas)",
    "agency_type.pemprov": "Pemerintah Provinsi (Pemprov)",
    "agency_type.pemkab": "Pemerintah Kabupaten (Pemkab)",
    "agency_type.pemkot": "Pemerintah Kota (Pemkot)",
    "agency_type.dinas": "Dinas / OPD",
    # Command menu descriptions (setMyCommands: 1-256 characters, plain text).
    "cmd.start": "Mulai dan lihat peran Anda",
    "cmd.help": "Daftar perintah dan cara pakai",
    "cmd.me": "Data dan peran Anda",
    "cmd.invite": "Buat undangan untuk satu peran",
    "cmd.new_agency": "Daftarkan instansi baru",
    "cmd.people": "Daftar orang terdaftar",
    "cmd.revoke": "Cabut akses seseorang",
    "cmd.cancel": "Batalkan isian yang sedang berjalan",
    # Onboarding.
    "start.unknown": (
        "Halo! Bot ini membantu pelaksanaan <b>pidana kerja sosial</b> (KUHP Pasal 85).\n\n"
        "Akses hanya dengan undangan. Bila Anda perlu terdaftar, berikan ID Telegram Anda "
        "kepada admin atau jaksa di Kejaksaan Negeri:\n\n<code>{user_id}</code>"
    ),
    "start.known": "Selamat datang, {name}.\n\n<b>Peran Anda</b>\n{roles}\n\n{commands}",
    "start.config_admin": "admin sistem (dari konfigurasi)",
    "role_line": "• {role} — {agency}",
    "commands.header": "<b>Perintah Anda</b>",
    "commands.line": "/{command} — {description}",
    "help.unknown": (
        "Anda belum terdaftar. Akses hanya dengan undangan: ketik /start untuk melihat "
        "ID Telegram Anda dan berikan kepada admin atau jaksa."
    ),
    "help.known": "{commands}\n\nKetik /batal untuk membatalkan isian yang sedang berjalan.",
    "unknown_command": "Perintah itu tidak dikenal. Ketik /bantuan untuk daftar perintah.",
    "unknown_text": "Saya belum mengerti pesan itu. Ketik /bantuan untuk daftar perintah.",
    "not_registered": (
        "Anda belum terdaftar, jadi perintah ini belum bisa dipakai. Ketik /start untuk "
        "melihat ID Telegram Anda."
    ),
    "refused": "Maaf, perintah ini tidak tersedia untuk peran Anda.",
    "refused_button": "Maaf, tombol ini tidak tersedia untuk Anda.",
    "stale_button": "Tombol ini sudah tidak berlaku. Silakan ulangi perintahnya.",
    "private_only": "Perintah ini hanya bisa dipakai di obrolan pribadi dengan bot.",
    "error": "Maaf, terjadi kesalahan di sistem. Data Anda aman; silakan coba lagi sebentar lagi.",
    "cancelled": "Dibatalkan. Tidak ada yang disimpan.",
    "nothing_to_cancel": "Tidak ada isian yang sedang berjalan.",
    "too_long": "Teks terlalu panjang: paling banyak {max} karakter.",
    "expected_text": "Mohon balas dengan teks. {prompt}",
    "expected_button": "Mohon pilih salah satu tombol di atas, atau ketik /batal.",
    # Invitations.
    "invite.usage": (
        "Cara pakai: <code>/undang &lt;peran&gt;</code>\nPeran yang dapat Anda undang: {roles}"
    ),
    "invite.bad_role": "Peran “{given}” tidak dikenal. Pilih salah satu: {roles}",
    "invite.role_not_allowed": "Anda tidak dapat mengundang {role}. Yang dapat Anda undang: {roles}",
    "invite.no_agency": "Belum ada instansi yang dapat Anda pakai. Daftarkan dulu dengan /instansi_baru.",
    "invite.choose_agency": "Undang <b>{role}</b> ke instansi mana?",
    "invite.created": (
        "Undangan untuk <b>{role}</b> di <b>{agency}</b>.\n\n"
        "Kirimkan tautan ini kepada orang yang diundang, atau cetak kode QR ini:\n{link}\n\n"
        "Berlaku sampai {expires}, hanya untuk satu orang."
    ),
    "invite.created_button": "Undangan dibuat.",
    "redeem.ok": "Selamat bergabung, {name}! Anda terdaftar sebagai <b>{role}</b> di <b>{agency}</b>.",
    "redeem.already": "Anda sudah terdaftar sebagai {role} di {agency}. Undangan ini tidak dipakai.",
    "redeem.malformed": (
        "Tautan undangan ini tidak lengkap atau rusak. Buka lagi tautan utuh dari pengundang, "
        "atau minta tautan baru."
    ),
    "redeem.unknown": "Undangan ini tidak dikenal. Mintalah tautan undangan baru kepada pengundang.",
    "redeem.expired": (
        "Undangan ini sudah kedaluwarsa sejak {expired}. Mintalah undangan baru kepada pengundang."
    ),
    "redeem.used": "Undangan ini sudah dipakai; satu undangan hanya untuk satu orang.",
    "redeem.locked": (
        "Terlalu banyak percobaan undangan yang gagal. Silakan coba lagi setelah {until}."
    ),
    # New agency conversation.
    "agency.ask_type": "Instansi baru. Apa jenisnya?",
    "agency.ask_name": "Nama instansi? (3–{max} karakter, misalnya “Kejaksaan Negeri Samarinda”)",
    "agency.bad_name": "Nama harus 3–{max} karakter dan bukan perintah. Coba lagi.",
    "agency.name_taken": "Sudah ada instansi bernama “{name}”. Pakai nama lain.",
    "agency.ask_parent": "Instansi induk {type}?",
    "agency.no_parent": "Tanpa induk",
    "agency.parent_not_allowed": "{parent} tidak dapat menjadi induk {type}. Pilih yang lain.",
    "agency.ask_timezone": "Zona waktu instansi? (bawaan: {default})",
    "agency.summary": (
        "<b>Periksa dulu</b>\nJenis: {type}\nNama: {name}\nInduk: {parent}\nZona waktu: {timezone}"
    ),
    "agency.none": "—",
    "agency.saved": "Instansi <b>{name}</b> tersimpan. Undang orang ke sana dengan /undang.",
    "agency.timeout": "Isian instansi baru dibatalkan karena terlalu lama tidak dijawab.",
    "button.confirm": "✅ Simpan",
    "button.cancel": "✖️ Batal",
    "button.previous": "‹ Sebelumnya",
    "button.next": "Berikutnya ›",
    "button.revoke": "Ya, cabut",
    "button.keep": "Jangan",
    # Me, people, revoke.
    "me": "<b>{name}</b>\nID Telegram: <code>{user_id}</code>\n\n<b>Peran</b>\n{roles}",
    "me.role_line": "• {role} — {agency} (sejak {since})",
    "people.header": "<b>Orang terdaftar</b>: {total} (halaman {page} dari {pages})",
    "people.empty": "Belum ada orang terdaftar yang dapat Anda lihat.",
    "people.card": "<b>{name}</b>\nID Telegram: <code>{user_id}</code>\n\n{roles}",
    "people.not_found": "Orang itu tidak ditemukan atau di luar instansi Anda.",
    "revoke.usage": (
        "Pilih orangnya lewat /orang, atau ketik <code>/cabut &lt;ID Telegram&gt;</code>."
    ),
    "revoke.bad_id": "“{given}” bukan ID Telegram. ID berupa angka, misalnya 123456789.",
    "revoke.button": "Cabut: {role} — {agency}",
    "revoke.confirm": (
        "Cabut peran <b>{role}</b> di <b>{agency}</b> dari <b>{name}</b>?\n"
        "Riwayatnya tetap tersimpan."
    ),
    "revoke.done": "Peran {role} di {agency} dicabut dari {name}. Riwayatnya tetap tersimpan.",
    "revoke.already": "Peran itu sudah dicabut sebelumnya.",
    "revoke.kept": "Tidak jadi dicabut.",
    "revoke.notice": "Akses Anda sebagai {role} di {agency} telah dicabut.",
}
