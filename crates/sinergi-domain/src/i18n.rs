//! The one translation layer: every text a user reads comes from here, in Bahasa Indonesia first and English
//! second.
//!
//! Each message is declared once with both languages side by side, so a message without its translation does not
//! compile. Placeholders are written `{name}` and filled by [`Lang::format`].

use std::fmt;

use serde::{Deserialize, Serialize};

/// A language of the user interface. Bahasa Indonesia is the default everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    /// Reads `id`, `en`, or a tag such as `en-US`; anything else is `None`.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "id" | "in" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first supported language of an HTTP `Accept-Language` header, in the order the client gave.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header.split(',').filter_map(|part| Lang::parse(part.split(';').next().unwrap_or(""))).next()
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    pub fn t(self, msg: Msg) -> &'static str {
        msg.text(self)
    }

    /// The message with each `{name}` replaced by its value.
    pub fn format(self, msg: Msg, args: &[(&str, &dyn fmt::Display)]) -> String {
        fill(msg.text(self), args)
    }

    /// A number with the thousands separator of the language: `1.234` in Indonesian, `1,234` in English.
    pub fn number(self, n: u64) -> String {
        let digits = n.to_string();
        let sep = match self {
            Lang::Id => '.',
            Lang::En => ',',
        };
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(ch);
        }
        out
    }

    /// A decimal with `places` digits after the separator: `12,5` in Bahasa Indonesia, `12.5` in English.
    pub fn decimal(self, value: f64, places: usize) -> String {
        let text = format!("{value:.places$}");
        match self {
            Lang::Id => text.replace('.', ","),
            Lang::En => text,
        }
    }
}

fn fill(template: &str, args: &[(&str, &dyn fmt::Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match args.iter().find(|(k, _)| *k == name) {
                    Some((_, value)) => out.push_str(&value.to_string()),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

macro_rules! messages {
    ($($key:ident => $id:literal / $en:literal,)*) => {
        /// Every message of the user interface.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg { $($key,)* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$key,)*];

            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$key, Lang::Id) => $id, (Msg::$key, Lang::En) => $en,)*
                }
            }
        }
    };
}

messages! {
    // Shell and navigation
    AppTagline => "Koordinasi lintas sektoral pengamanan pemilihan" / "Cross-sector coordination of election security",
    NavRegions => "Wilayah" / "Regions",
    NavMap => "Peta" / "Map",
    NavApi => "API" / "API",
    LanguageSwitch => "English" / "Bahasa Indonesia",
    SyntheticBanner => "Data TPS di basis data ini sintetis (dibuat untuk demo), bukan data KPU." / "The TPS in this database are synthetic (generated for the demo), not KPU data.",
    SyntheticLabel => "sintetis" / "synthetic",
    // Region browser
    RegionsTitle => "Wilayah administrasi" / "Administrative regions",
    RegionsIntro => "Kode dan nama wilayah menurut Kepmendagri. Pilih wilayah untuk melihat wilayah di bawahnya." / "Region codes and names after the Kemendagri list. Choose a region to see the regions below it.",
    LevelProvince => "Provinsi" / "Province",
    LevelRegency => "Kabupaten/Kota" / "Regency/City",
    LevelDistrict => "Kecamatan" / "District",
    LevelVillage => "Desa/Kelurahan" / "Village",
    ColCode => "Kode" / "Code",
    ColName => "Nama" / "Name",
    ColLevel => "Tingkat" / "Level",
    ColTps => "TPS" / "TPS",
    ColVoters => "DPT" / "Voters (DPT)",
    ColNumber => "Nomor" / "Number",
    ColAddress => "Alamat" / "Address",
    ColAccess => "Akses" / "Access",
    ColCoordinates => "Koordinat" / "Coordinates",
    ColUnit => "Satuan" / "Unit",
    ColAgency => "Instansi" / "Agency",
    ColPersonnel => "Personel" / "Personnel",
    ColContact => "Kontak" / "Contact",
    NoChildren => "Tidak ada wilayah di bawah wilayah ini." / "There are no regions below this one.",
    SearchPlaceholder => "Cari nama wilayah…" / "Search a region by name…",
    SearchButton => "Cari" / "Search",
    SearchResults => "Hasil pencarian untuk “{q}”" / "Search results for “{q}”",
    SearchNone => "Tidak ada wilayah yang cocok." / "No region matches.",
    ShowMap => "Buka peta" / "Open the map",
    TpsInRegion => "TPS di wilayah ini" / "TPS in this region",
    UnitsInRegion => "Satuan dan instansi di wilayah ini" / "Units and agencies in this region",
    TpsSummary => "{tps} TPS, {voters} pemilih terdaftar" / "{tps} TPS, {voters} registered voters",
    NoTps => "Belum ada TPS terdaftar." / "No TPS registered yet.",
    MoreTps => "Menampilkan {shown} dari {total} TPS. Gunakan API atau ekspor untuk daftar lengkap." / "Showing {shown} of {total} TPS. Use the API or an export for the full list.",
    // Map
    MapTitle => "Peta {name}" / "Map of {name}",
    MapLegendDistrict => "Batas kecamatan" / "District boundary",
    MapLegendVillage => "Batas desa/kelurahan" / "Village boundary",
    MapLegendTps => "TPS" / "TPS",
    MapLoading => "Memuat peta…" / "Loading the map…",
    MapLoadFailed => "Peta gagal dimuat. Periksa koneksi lalu muat ulang halaman." / "The map failed to load. Check the connection and reload the page.",
    MapOffline => "Peta dasar tidak diaktifkan; batas wilayah dan TPS tetap tampil tanpa internet." / "No base map is configured; boundaries and TPS show without internet.",
    MapNeedsRegency => "Peta tersedia untuk kabupaten/kota." / "The map is available for a regency or city.",
    // Access modes
    AccessRoad => "jalan darat" / "road",
    AccessRiver => "sungai" / "river",
    AccessSea => "laut" / "sea",
    AccessFoot => "jalan kaki" / "on foot",
    // Agencies
    AgencyPolri => "Polri" / "Police (Polri)",
    AgencyTni => "TNI" / "Armed forces (TNI)",
    AgencyKpu => "KPU" / "Election commission (KPU)",
    AgencyBawaslu => "Bawaslu" / "Election supervisors (Bawaslu)",
    AgencyPemda => "Pemda/Kesbangpol" / "Local government (Pemda/Kesbangpol)",
    AgencyKejaksaan => "Kejaksaan" / "Prosecutors (Kejaksaan)",
    AgencyPengadilan => "Pengadilan" / "Courts (Pengadilan)",
    AgencyPln => "PLN" / "Electricity (PLN)",
    AgencyTelkom => "Telkom" / "Telecoms (Telkom)",
    AgencyLinmas => "Linmas/Satpol PP" / "Civil protection (Linmas/Satpol PP)",
    // Errors shown to users and API clients
    ErrNotFound => "Tidak ditemukan: {what}" / "Not found: {what}",
    ErrRegionNotFound => "Wilayah dengan kode {code} tidak ada." / "There is no region with code {code}.",
    ErrTpsNotFound => "TPS {id} tidak ada." / "There is no TPS {id}.",
    ErrUnitNotFound => "Satuan {id} tidak ada." / "There is no unit {id}.",
    ErrPageNotFound => "Halaman tidak ditemukan." / "Page not found.",
    ErrBadRegionCode => "Kode wilayah tidak sah pada {parameter}: {detail}" / "Invalid region code in {parameter}: {detail}",
    ErrBadRequest => "Permintaan tidak sah: {detail}" / "Bad request: {detail}",
    ErrBadJson => "Isi permintaan bukan JSON yang sah: {detail}" / "The request body is not valid JSON: {detail}",
    ErrConflict => "Bertentangan dengan data yang ada: {detail}" / "Conflicts with existing data: {detail}",
    ErrInvalid => "Data tidak sah: {detail}" / "Invalid data: {detail}",
    ErrInternal => "Terjadi kesalahan di server. Kejadian ini sudah dicatat; coba lagi sebentar lagi." / "Something went wrong on the server. It has been logged; try again shortly.",
    ErrUnavailable => "Basis data tidak dapat dihubungi. Coba lagi sebentar lagi." / "The database cannot be reached. Try again shortly.",
    ErrTooManyFeeds => "Terlalu banyak siaran langsung terbuka untuk akun ini atau dari alamat ini. Tutup tab yang tidak dipakai; coba lagi dalam {seconds} detik." / "Too many live feeds are open for this account or from this address. Close the tabs you do not use; try again in {seconds} seconds.",
    LiveReset => "Banyak perubahan terlewat selama koneksi terputus." / "Many changes were missed while the connection was down.",
    ErrSignInsInFlight => "Terlalu banyak percobaan masuk untuk nama pengguna ini atau dari alamat ini sedang diperiksa. Coba lagi dalam beberapa detik." / "Too many sign-ins for this username or from this address are being checked. Try again in a few seconds.",
    ErrReadOnly => "Basis data saat ini hanya dapat dibaca, sehingga perubahan tidak dapat disimpan. Tidak ada yang tersimpan; hubungi administrator." / "The database can only be read at the moment, so changes cannot be saved. Nothing was saved; contact an administrator.",
    ErrAuditChainBroken => "Catatan audit rusak: ada entri yang ditulis di luar aplikasi. Demi keamanan, perubahan ditolak sampai administrator memeriksanya (sinergi audit verify). Tidak ada yang tersimpan." / "The audit log is broken: an entry was written outside the application. For safety, changes are refused until an administrator has checked it (sinergi audit verify). Nothing was saved.",
    ErrUnauthenticated => "Silakan masuk terlebih dahulu (sesi tidak ada atau sudah berakhir)." / "Please sign in first (no session, or it has ended).",
    ErrBusy => "Server sedang sibuk memeriksa kata sandi. Coba lagi sebentar lagi." / "The server is busy checking passwords. Try again shortly.",
    ErrLockedOut => "Terlalu banyak percobaan masuk yang gagal untuk nama pengguna ini atau dari alamat ini. Masuk dikunci sementara; coba lagi dalam {minutes} menit, atau minta administrator membukanya." / "Too many failed sign-ins for this username or from this address. Signing in is locked for now; try again in {minutes} minutes, or ask an administrator to unlock it.",
    ErrCsrf => "Permintaan ditolak: formulir ini kedaluwarsa atau tidak berasal dari halaman Sinergi. Muat ulang halaman lalu coba lagi." / "Request refused: this form has expired or did not come from a Sinergi page. Reload the page and try again.",
    ErrBadToken => "Token API tidak sah, sudah dicabut, atau kedaluwarsa." / "The API token is invalid, revoked or expired.",
    ErrSetNotFound => "Set indikator {id} tidak ada." / "There is no indicator set {id}.",
    ErrTokenNotFound => "Token {id} tidak ada atau sudah dicabut." / "There is no token {id}, or it was revoked already.",
    ErrForbidden => "Peran Anda tidak mengizinkan tindakan ini." / "Your role does not allow this.",
    LoginTitle => "Masuk" / "Sign in",
    LoginUsername => "Nama pengguna" / "Username",
    LoginPassword => "Kata sandi" / "Password",
    LoginButton => "Masuk" / "Sign in",
    LoginFailed => "Nama pengguna atau kata sandi salah, atau akun dinonaktifkan." / "Wrong username or password, or the account is disabled.",
    LoginIntro => "Sinergi hanya untuk petugas yang berwenang. Setiap akses dicatat." / "Sinergi is for authorised officers only. Every access is recorded.",
    Logout => "Keluar" / "Sign out",
    ErrPayloadTooLarge => "Isi permintaan terlalu besar." / "The request body is too large.",
    // Validation problems of imports and API input
    ProblemBadCode => "kode wilayah tidak sah: {detail}" / "invalid region code: {detail}",
    CodeEmpty => "kode wilayah kosong" / "empty region code",
    CodeTooManySegments => "kode “{code}” punya lebih dari empat bagian" / "code “{code}” has more than four parts",
    CodeBadSegment => "bagian ke-{segment} dari kode “{code}” harus {width} angka (contoh: 15.07.01.2001)" / "part {segment} of code “{code}” must be {width} digits (e.g. 15.07.01.2001)",
    ProblemLevelMismatch => "tingkat {given} tidak cocok dengan kode {code} (tingkat {expected})" / "level {given} does not match code {code} (level {expected})",
    ProblemParentMismatch => "induk {given} tidak cocok dengan kode {code} (seharusnya {expected})" / "parent {given} does not match code {code} (should be {expected})",
    ProblemUnknownParent => "induk {parent} tidak ada di berkas maupun basis data" / "parent {parent} is neither in the file nor in the database",
    ProblemParentRejected => "induk {parent} ada di berkas tetapi barisnya bermasalah" / "parent {parent} is in the file but its row has problems",
    ProblemUnknownRegion => "wilayah {code} tidak ada di basis data" / "region {code} is not in the database",
    ProblemNotVillage => "{code} bukan desa/kelurahan; TPS harus berada di desa/kelurahan" / "{code} is not a village; a TPS must lie in a village",
    ProblemEmpty => "wajib diisi" / "must not be empty",
    ProblemNotNumber => "“{value}” bukan bilangan" / "“{value}” is not a number",
    ProblemNegative => "tidak boleh negatif ({value})" / "must not be negative ({value})",
    ProblemOutOfRange => "{value} di luar rentang {min}–{max}" / "{value} is outside {min}–{max}",
    ProblemOutsideIndonesia => "koordinat {lat}, {lng} berada di luar Indonesia (lintang dan bujur tertukar?)" / "coordinates {lat}, {lng} lie outside Indonesia (latitude and longitude swapped?)",
    ProblemHalfCoordinates => "lintang dan bujur harus diisi keduanya atau dikosongkan keduanya" / "fill both latitude and longitude, or neither",
    ProblemBadAccess => "moda akses “{value}” tidak dikenal (road/jalan, river/sungai, sea/laut, foot/kaki)" / "unknown access mode “{value}” (road/jalan, river/sungai, sea/laut, foot/kaki)",
    ProblemDuplicateCode => "kode {code} muncul lebih dari sekali (pertama di baris {first})" / "code {code} appears more than once (first on line {first})",
    ProblemDuplicateTps => "TPS nomor {number} di desa {village} muncul lebih dari sekali (pertama di baris {first})" / "TPS number {number} in village {village} appears more than once (first on line {first})",
    ProblemMalformedCsv => "CSV rusak: {detail}" / "malformed CSV: {detail}",
    ProblemMissingColumn => "kolom wajib “{column}” tidak ada di baris judul" / "required column “{column}” is missing from the header",
    ProblemMalformedGeojson => "GeoJSON rusak: {detail}" / "malformed GeoJSON: {detail}",
    ProblemBadGeometry => "geometri tidak sah: {detail}" / "invalid geometry: {detail}",
    ProblemMissingProperty => "properti “{property}” tidak ada" / "property “{property}” is missing",
    ProblemTooManyVoters => "{value} pemilih melebihi batas wajar {max} per TPS" / "{value} voters exceeds the plausible maximum of {max} per TPS",
    ProblemControlCharacter => "berisi karakter kendali (misalnya NUL atau ganti baris) yang tidak diizinkan" / "contains a control character (such as NUL or a line break), which is not allowed",
    ProblemTooLong => "lebih dari {max} karakter" / "longer than {max} characters",
    ProblemBadUnitKind => "jenis satuan “{value}” tidak dikenal (mis. polres, polsek, kodim, ppk, panwascam; lihat docs/formats.md)" / "unknown unit kind “{value}” (e.g. polres, polsek, kodim, ppk, panwascam; see docs/formats.md)",
    ProblemBadUnitCode => "kode satuan “{value}” harus 1–64 karakter a-z, 0-9, '.', '-'" / "unit code “{value}” must be 1–64 characters of a-z, 0-9, '.', '-'",
    ProblemUnitLevel => "{kind} membawahi wilayah tingkat {expected}, bukan {territory}" / "a {kind} answers for a region of level {expected}, not {territory}",
    ProblemUnknownUnit => "satuan induk {code} tidak ada di berkas maupun basis data" / "parent unit {code} is neither in the file nor in the database",
    // Command line
    CliImportOk => "{count} baris diimpor dari {file}." / "{count} rows imported from {file}.",
    CliImportRejected => "Tidak ada yang ditulis: {count} baris bermasalah di {file}. Perbaiki barisnya, atau jalankan ulang dengan --skip-invalid untuk mengimpor baris yang benar saja." / "Nothing was written: {count} bad rows in {file}. Fix them, or run again with --skip-invalid to import only the good rows.",
    CliImportSkipped => "{count} baris bermasalah dilewati:" / "{count} bad rows were skipped:",
    DemoDataMissing => "Data demo tidak ditemukan di {dir} (perlu wilayah.csv, population.csv dan boundaries/). Jalankan dari folder proyek, atau beri --data DIR." / "Demo data not found in {dir} (needs wilayah.csv, population.csv and boundaries/). Run from the project folder, or pass --data DIR.",
    DemoRegions => "Wilayah: {count} kode wilayah Kepmendagri dimuat." / "Regions: {count} Kemendagri region codes loaded.",
    DemoBoundaries => "Batas wilayah: {count} kecamatan dan desa/kelurahan." / "Boundaries: {count} districts and villages.",
    DemoTps => "TPS sintetis: {count} di {regency}." / "Synthetic TPS: {count} in {regency}.",
    DemoUnits => "Instansi dan satuan: {count} satuan di empat kabupaten." / "Agencies and units: {count} units in four regencies.",
    DemoReady => "Demo siap ({seconds} detik): {tps} TPS sintetis — data TPS ini buatan, bukan data KPU." / "Demo ready ({seconds} s): {tps} synthetic TPS — these TPS are generated, not KPU data.",
    DemoAssessments => "Pemetaan kerawanan: {count} penilaian TPS sintetis (set Bawaslu dan Polri)." / "Vulnerability mapping: {count} synthetic TPS assessments (Bawaslu and Polri sets).",
    DemoMayAdminister => "segalanya, di seluruh negeri" / "everything, nationwide",
    DemoMayCommand => "membaca laporan wilayahnya, juga yang rahasia bagi instansinya; melapor, memutuskan laporan; tidak mencatat TPS atau penilaian" / "reads the territory's reports, its agency's secret ones too; files and decides on reports; records no TPS or assessments",
    DemoMayOperate => "mencatat TPS dan penilaian kerawanan, melapor, menangani laporan" / "records TPS and vulnerability assessments, files and handles reports",
    DemoMayReport => "melapor dari lapangan, menilai TPS, melihat laporannya sendiri" / "files field reports, assesses TPS, sees own reports",
    DemoMayObserve => "hanya membaca" / "reads only",
    DemoMaySeeShared => "melihat laporan yang dibagikan atau diteruskan ke instansinya" / "sees the reports shared with or routed to its agency",
    DemoAccounts => "⚠ AKUN DEMO — kata sandi semua akun: {password}. Hanya untuk mencoba; jangan pernah pakai basis data demo untuk data sungguhan atau di jaringan terbuka:" / "⚠ DEMO ACCOUNTS — the password of every account: {password}. For trying out only; never use the demo database for real data or on an open network:",
    DemoRefused => "Basis data ini sudah berisi akun atau TPS dan bukan basis data demo: demo tidak akan menulis ke dalamnya. Gunakan --database sqlite://sinergi-demo.db (atau berkas baru lain)." / "This database already holds accounts or TPS and is not a demo database: the demo will not write to it. Use --database sqlite://sinergi-demo.db (or another new file).",
    DemoLoopbackOnly => "Basis data demo hanya dilayani di 127.0.0.1: akun demo memakai kata sandi yang diumumkan." / "A demo database is served on 127.0.0.1 only: the demo accounts have a published password.",
    CliServing => "Sinergi berjalan di {url} — buka alamat ini di peramban. Tekan Ctrl+C untuk berhenti." / "Sinergi is running at {url} — open this address in a browser. Press Ctrl+C to stop.",

    // The command line: accounts, tokens, clearance rules
    CliUserCreated => "{username} ({role}, {unit}, cakupan {scope})" / "{username} ({role}, {unit}, scope {scope})",
    CliUsernameTaken => "nama pengguna `{username}` sudah dipakai" / "the username `{username}` is taken",
    CliNoUnit => "--unit: satuan `{unit}` tidak ada" / "--unit: there is no unit `{unit}`",
    CliUnknownRole => "peran `{role}` tidak dikenal: administrator, commander, operator, field_reporter, observer, external" / "unknown role `{role}`: administrator, commander, operator, field_reporter, observer, external",
    CliRoleContradiction => "--admin dan --role {role} saling bertentangan" / "--admin and --role {role} contradict each other",
    CliNeedRole => "beri akun ini --role (atau --admin untuk administrator)" / "give the account a --role (or --admin for an administrator)",
    CliNoUser => "pengguna `{username}` tidak ada" / "there is no user `{username}`",
    CliUserDisabled => "{username}: dinonaktifkan; semua sesinya diakhiri" / "{username}: disabled; its sessions are ended",
    CliUserEnabled => "{username}: diaktifkan" / "{username}: enabled",
    CliPasswordReplaced => "{username}: kata sandi diganti; semua sesinya diakhiri" / "{username}: password replaced; its sessions are ended",
    CliUnlocked => "{username}: kunci masuk dibuka" / "{username}: sign-in lock lifted",
    CliPasswordPrompt => "Kata sandi baru untuk {username}: " / "New password for {username}: ",
    CliPasswordRepeat => "Ulangi kata sandi: " / "Repeat the password: ",
    CliPasswordsDiffer => "kedua kata sandi berbeda; tidak ada yang diubah" / "the two passwords differ; nothing was changed",
    CliNoTerminal => "tidak ada terminal untuk menanyakan kata sandi: kirim lewat --password-stdin" / "no terminal to ask for the password: pipe it in with --password-stdin",
    CliTokenCreated => "token {id} untuk {username} ({limits}), berlaku {days} hari. Token ini hanya ditampilkan sekali; simpan dengan rahasia:" / "token {id} for {username} ({limits}), expires in {days} days. It is shown this once; keep it secret:",
    CliTokenAccountScope => "cakupan akun" / "the account's scope",
    CliTokenRegion => "wilayah {region}" / "region {region}",
    CliTokenReadOnly => "hanya baca" / "read-only",
    CliTokenRevoked => "token {id} dicabut" / "token {id} revoked",
    CliNoToken => "token `{id}` tidak ada atau sudah dicabut" / "there is no token `{id}`, or it was revoked already",
    CliTokenDisabledAccount => "akun `{username}` dinonaktifkan: tokennya tidak akan membuka apa pun" / "the account `{username}` is disabled: its tokens would not open anything",
    CliUnknownAgency => "instansi `{agency}` tidak dikenal: {known}" / "unknown agency `{agency}`: {known}",
    CliUnknownClassification => "klasifikasi `{level}` tidak dikenal: biasa, terbatas atau rahasia" / "unknown classification `{level}`: biasa, terbatas or rahasia",
    CliClearanceSet => "{target} kini boleh membaca sampai {level} (server yang berjalan menerapkannya dalam {seconds} detik)" / "{target} now reads up to {level} (running servers apply it within {seconds} s)",
    CliClearanceRemoved => "{target}: aturan dihapus; bawaan berlaku lagi" / "{target}: rule removed; the default applies again",
    CliNoClearanceRule => "tidak ada aturan untuk {target}" / "there is no rule for {target}",
    CliClearanceDefaults => "Bawaan: commander rahasia; administrator dan operator terbatas; field_reporter, observer, external biasa. Aturan untuk peran dan instansi mengalahkan aturan untuk peran, yang mengalahkan bawaan." / "Defaults: commander rahasia; administrator and operator terbatas; field_reporter, observer, external biasa. A rule for a role and agency beats a rule for the role, which beats the default.",
    ProblemBadPhoto => "bukan gambar JPEG, PNG, atau WebP dalam base64" / "not a JPEG, PNG or WebP image in base64",
    ProblemUnknownColumn => "kolom `{column}` bukan kolom berkas ini dan bukan indikator set ini" / "the column `{column}` is neither a column of this file nor an indicator of this set",
    ProblemBadAnswer => "`{value}` bukan {expected}" / "`{value}` is not {expected}",
    AnswerExpectedYesNo => "jawaban ya/tidak" / "a yes/no answer (ya/tidak)",
    AnswerExpectedCount => "bilangan bulat 0 atau lebih" / "a whole number of 0 or more",
    ProblemFutureDate => "`{value}` masih di masa depan: tulis waktu kejadian yang sudah terjadi (WIB)" / "`{value}` lies in the future: give the time the event happened (WIB)",
    ProblemBadDate => "`{value}` bukan tanggal YYYY-MM-DD atau YYYY-MM-DD HH:MM" / "`{value}` is not a date YYYY-MM-DD or YYYY-MM-DD HH:MM",
    ProblemUnknownAgency => "instansi `{agency}` tidak dikenal" / "unknown agency `{agency}`",
    ProblemUnknownTps => "TPS {number} di desa {village} tidak ada" / "there is no TPS {number} in village {village}",
    CliSetRejected => "{file}: set indikator ditolak ({count} kesalahan); tidak ada yang dimuat." / "{file}: indicator set refused ({count} faults); nothing was loaded.",
    CliSetLoaded => "Set indikator {id} versi {version} dimuat: {variables} variabel, {indicators} indikator, {classes} kelas." / "Indicator set {id} version {version} loaded: {variables} variables, {indicators} indicators, {classes} classes.",
    CliNoSet => "set indikator `{id}` belum dimuat (yang ada: {known}); muat dengan `sinergi indicator-set load FILE`" / "the indicator set `{id}` is not loaded (loaded: {known}); load it with `sinergi indicator-set load FILE`",
    CliReclassified => "Set {id}: semua penilaian diklasifikasi ulang; {moved} TPS berganti kelas ({seconds} detik)." / "Set {id}: every assessment classified again; {moved} TPS changed class ({seconds} s).",
    NavVulnerability => "Kerawanan" / "Vulnerability",
    VulnTitle => "Kerawanan TPS: {name}" / "TPS vulnerability: {name}",
    VulnSets => "Set indikator" / "Indicator set",
    VulnSummary => "Indeks {index} ({band}) · {assessed} dari {tps} TPS dinilai · {disagree} TPS dengan penilaian instansi yang berbeda" / "Index {index} ({band}) · {assessed} of {tps} TPS assessed · {disagree} TPS where agencies disagree",
    BandLow => "rendah" / "low",
    BandMedium => "sedang" / "medium",
    BandHigh => "tinggi" / "high",
    ColIndex => "Indeks" / "Index",
    ColBand => "Tingkat" / "Band",
    ColAssessed => "Dinilai" / "Assessed",
    ColDisagree => "Beda penilaian" / "Disagreement",
    ColClass => "Kelas" / "Class",
    ColCauses => "Penyebab" / "Causes",
    ColDate => "Tanggal" / "Date",
    ColAssessor => "Penilai" / "Assessor",
    ColHolding => "Indikator terpenuhi" / "Indicators that hold",
    ColPhoto => "foto" / "photo",
    ColEvidence => "Catatan" / "Evidence",
    VulnAreas => "Per wilayah" / "By area",
    VulnTpsHeading => "TPS yang dinilai" / "Assessed TPS",
    VulnNoTps => "Tidak ada TPS yang cocok." / "No TPS matches.",
    VulnNoSets => "Belum ada set indikator yang dimuat (sinergi indicator-set load FILE)." / "No indicator set is loaded yet (sinergi indicator-set load FILE).",
    VulnMoreTps => "Menampilkan {shown} dari {total} TPS; saring, atau unduh untuk semuanya." / "Showing {shown} of {total} TPS; filter, or download them all.",
    VulnAssessLink => "Isi penilaian TPS desa ini" / "Assess this village's TPS",
    VulnMethod => "Cara menghitung: docs/vulnerability.md. Kelas TPS = kelas terberat dari penilaian terakhir tiap instansi." / "Method: docs/vulnerability.md. A TPS's class is the gravest of each agency's latest assessment.",
    FilterAll => "semua" / "all",
    FilterDisagree => "hanya yang penilaiannya berbeda" / "only where agencies disagree",
    FilterButton => "Saring" / "Filter",
    ExportCsv => "Unduh CSV" / "Download CSV",
    ExportGeojson => "Unduh GeoJSON" / "Download GeoJSON",
    TpsPageTitle => "{label}, {village}" / "{label}, {village}",
    TpsNotAssessed => "Belum dinilai dengan set ini." / "Not yet assessed with this set.",
    TpsHistory => "Riwayat penilaian" / "Assessment history",
    AssessTitle => "Penilaian TPS: {name}" / "TPS assessment: {name}",
    AssessIntro => "Centang setiap indikator yang terpenuhi di tiap TPS (Tab untuk berpindah, Spasi untuk mencentang). Penilaian dicatat atas nama instansi Anda ({agency}) dan disimpan sebagai riwayat; penilaian lama tidak dihapus." / "Tick every indicator that holds at each TPS (Tab to move, Space to tick). The assessments are recorded for your agency ({agency}) and kept as history; earlier ones are not removed.",
    AssessAssessor => "Nama dan pangkat penilai" / "Assessor's name and rank",
    AssessDate => "Tanggal penilaian" / "Date of assessment",
    AssessSave => "Simpan penilaian" / "Save assessments",
    AssessSaved => "{count} penilaian disimpan." / "{count} assessments saved.",
    AssessRefused => "Penilaian belum disimpan: {detail}" / "Not saved: {detail}",
    AreaAssessTitle => "Indikator wilayah: {name}" / "Area indicators: {name}",
    AreaAssessIntro => "Centang setiap indikator yang terpenuhi di wilayah ini (Tab untuk berpindah, Spasi untuk mencentang). Isian awal adalah jawaban terakhir instansi Anda ({agency}); penilaian baru disimpan sebagai riwayat." / "Tick every indicator that holds for the area (Tab to move, Space to tick). The form starts from your agency's ({agency}) latest answers; the new assessment is kept as history.",
    AreaEvidence => "Catatan atau bukti" / "Notes or evidence",
    AreaSaved => "Indikator wilayah disimpan untuk {count} wilayah." / "Area indicators saved for {count} regions.",
    AreaHeading => "Indikator wilayah" / "Area indicators",
    AreaLink => "Isi indikator wilayah" / "Answer the area indicators",
    AreaNone => "Belum ada indikator wilayah yang terpenuhi (atau belum dinilai)." / "No area indicator holds (or none is assessed yet).",
    AreaSummary => "Bagian TPS {tps_part} · bagian wilayah {area_part} (bobot {share}) · indikator wilayah dinilai untuk {villages} desa/kelurahan dan {districts} kecamatan" / "TPS part {tps_part} · area part {area_part} (weight {share}) · area indicators assessed for {villages} villages and {districts} districts",
    ColTpsPart => "Bagian TPS" / "TPS part",
    ColAreaPart => "Bagian wilayah" / "Area part",
    AssessNoTps => "Desa ini belum punya TPS." / "This village has no TPS yet.",
    SetPlaceFile => "baris {line}, kolom {column}" / "line {line}, column {column}",
    SetPlaceClass => "kelas ke-{n}" / "class {n}",
    SetPlaceVariable => "variabel {variable}" / "variable {variable}",
    SetPlaceIndicator => "indikator {name}" / "indicator {name}",
    SetPlaceRule => "aturan ke-{n}" / "rule {n}",
    SetPlaceRuleColumn => "aturan ke-{n}, kolom {column}" / "rule {n}, column {column}",
    SetBadId => "pengenal `{id}` tidak sah: huruf kecil a-z, angka, '_' atau '-', diawali huruf, bukan kata and/or/not/holding/score/count" / "invalid id `{id}`: lowercase a-z, digits, '_' or '-', starting with a letter, not and/or/not/holding/score/count",
    SetDuplicateId => "pengenal `{id}` dipakai dua kali" / "the id `{id}` is used twice",
    SetNoClasses => "set indikator tanpa kelas ([[class]])" / "an indicator set without classes ([[class]])",
    SetNoIndicators => "tanpa indikator" / "no indicators",
    SetBadWeight => "bobot harus angka 0 atau lebih" / "the weight must be a number of 0 or more",
    SetBadAnswer => "jenis jawaban `{answer}` tidak dikenal: yes_no atau count" / "unknown answer type `{answer}`: yes_no or count",
    SetBadHoldsAt => "holds_at hanya untuk jawaban count, dan minimal 1" / "holds_at is for count answers only, and at least 1",
    SetUnknownClass => "kelas `{class}` tidak didefinisikan" / "the class `{class}` is not defined",
    SetPlaceAreaIndicator => "indikator wilayah {id}" / "area indicator {id}",
    SetBadLevel => "tingkat `{level}` tidak dikenal: village atau district" / "unknown level `{level}`: village or district",
    ProblemNotArea => "{code} bukan desa/kelurahan atau kecamatan: indikator wilayah dijawab untuk desa/kelurahan atau kecamatan" / "{code} is not a village or a district: area indicators are answered for a village or a district",
    ProblemAreaLevel => "indikator {indicator} dijawab untuk tingkat {level}, bukan wilayah ini" / "indicator {indicator} is answered for a {level}, not for this region",
    CliNoAreaIndicators => "Set indikator {id} tidak punya indikator wilayah ([area])." / "The indicator set {id} has no area indicators ([area]).",
    // Incident desk (docs/incidents.md)
    SeverityLow => "rendah" / "low",
    SeverityMedium => "sedang" / "medium",
    SeverityHigh => "tinggi" / "high",
    SeverityCritical => "kritis" / "critical",
    StatusReported => "dilaporkan" / "reported",
    StatusVerified => "terverifikasi" / "verified",
    StatusRejected => "ditolak" / "rejected",
    StatusAssigned => "ditugaskan" / "assigned",
    StatusInHandling => "ditangani" / "in handling",
    StatusResolved => "selesai" / "resolved",
    StatusClosed => "ditutup" / "closed",
    TaxPlaceCategory => "kategori ke-{n}" / "category {n}",
    TaxPlaceRoute => "rute ke-{n}" / "route {n}",
    TaxPlaceLimit => "batas waktu ke-{n}" / "limit {n}",
    TaxAmbiguousAlias => "kata `{alias}` dipakai dua kategori" / "the word `{alias}` is used by two categories",
    TaxNoCategories => "taksonomi tanpa kategori ([[category]])" / "a taxonomy without categories ([[category]])",
    TaxBadSeverity => "tingkat keparahan harus 1 sampai 4 (tertulis {value})" / "the severity must be 1 to 4 (given {value})",
    TaxUnknownCategory => "kategori `{category}` tidak ada" / "there is no category `{category}`",
    TaxUnknownUnitKind => "jenis satuan `{kind}` tidak dikenal" / "unknown unit kind `{kind}`",
    TaxNoResponsible => "rute tanpa satuan penanggung jawab (responsible)" / "a route without a responsible unit kind",
    TaxBadLimits => "setiap tingkat keparahan 1 sampai 4 perlu tepat satu [[limit]]" / "every severity 1 to 4 needs exactly one [[limit]]",
    ErrTransitionNotAllowed => "Langkah {transition} tidak bisa dari status {status}." / "The move {transition} is not possible from the status {status}.",
    ErrOwnReport => "Pelapor tidak boleh memverifikasi atau menolak laporannya sendiri." / "The reporter may not verify or reject their own report.",
    ErrReasonRequired => "Langkah ini memerlukan alasan (dan, untuk penolakan, jenisnya: hoax, duplicate, not_election, other)." / "This move needs a reason (and, for a rejection, its kind: hoax, duplicate, not_election, other).",
    // SMS reports (docs/sms.md): replies to field reporters; GSM 7-bit characters only, one SMS each
    SmsUnknownKeyword => "Format tidak dikenal. Kirim: LAPOR <kategori> [TPS <no>] <uraian>, atau INFO <kategori> <uraian>. Kategori: {words}." / "Unknown format. Send: LAPOR <category> [TPS <no>] <description>, or INFO <category> <description>. Categories: {words}.",
    SmsMissingCategory => "Kategori belum ditulis. Kirim: LAPOR <kategori> [TPS <no>] <uraian>. Kategori: {words}." / "The category is missing. Send: LAPOR <category> [TPS <no>] <description>. Categories: {words}.",
    SmsUnknownCategory => "Kategori \"{word}\" tidak dikenal. Coba: {words}. Kirim: LAPOR <kategori> [TPS <no>] <uraian>." / "Unknown category \"{word}\". Try: {words}. Send: LAPOR <category> [TPS <no>] <description>.",
    SmsBadTps => "Nomor TPS \"{given}\" tidak sah: tulis TPS lalu nomor 1 sampai {max}, mis. TPS 5. Silakan kirim ulang." / "TPS number \"{given}\" is not valid: write TPS and a number from 1 to {max}, e.g. TPS 5. Please send again.",
    SmsVillageOutside => "Desa \"{given}\" di luar wilayah tugas Anda: laporkan desa di wilayah Anda, atau hapus DESA untuk desa Anda sendiri." / "Village \"{given}\" is outside your territory: report a village of your territory, or leave DESA out for your own village.",
    SmsUnknownVillage => "Kode desa \"{given}\" tidak dikenal di wilayah Anda: periksa kodenya, mis. DESA 33.20.01.2001, atau hapus DESA untuk desa Anda sendiri." / "Village code \"{given}\" is not known in your territory: check the code, e.g. DESA 33.20.01.2001, or leave DESA out for your own village.",
    SmsControlCharacter => "Pesan berisi karakter kendali yang tidak dapat disimpan. Silakan ketik ulang pesan dan kirim lagi." / "The message holds a control character that cannot be stored. Please type the message again and send it.",
    SmsBadVillage => "Kode desa \"{given}\" tidak sah: tulis DESA lalu kode desa/kelurahan, mis. DESA 33.20.01.2001, atau hapus DESA untuk desa Anda sendiri." / "Village code \"{given}\" is not valid: write DESA and the village code, e.g. DESA 33.20.01.2001, or leave DESA out for your own village.",
    SmsMissingDescription => "Uraian kosong atau terlalu pendek. Tulis apa yang terjadi (paling sedikit {min} karakter) sesudah kategori dan nomor TPS." / "The description is missing or too short. Write what happened (at least {min} characters) after the category and the TPS number.",
    SmsTooLong => "Pesan terlalu panjang: {length} karakter, paling banyak {limit} (3 SMS). Persingkat uraian lalu kirim ulang." / "The message is too long: {length} characters, at most {limit} (3 SMS). Shorten the description and send again.",
    SmsReplyOk => "Laporan diterima. Nomor: {reference}. Terima kasih." / "Report received. Number: {reference}. Thank you.",
    ProblemOneOf => "`{value}` tidak dikenal; pilihan: {allowed}" / "`{value}` is not known; choose one of: {allowed}",
    ProblemUnknownTpsId => "tidak ada TPS dengan id {id} di wilayah Anda" / "there is no TPS with id {id} in your territory",
    ProblemNoPlace => "tempat kejadian belum diisi: isi tps_id, village_code atau location" / "no place given: give tps_id, village_code or location",
    ProblemOutsideScope => "{code} di luar wilayah tugas Anda" / "{code} is outside your territory",
    ProblemNoVillageNear => "koordinat {lat}, {lng} tidak berada di desa/kelurahan mana pun yang dikenal (tidak ada pusat desa dalam 15 km)" / "the coordinates {lat}, {lng} are in no known village (no village centre within 15 km)",
    ProblemBadKey => "kunci idempotensi harus 1 sampai 100 huruf, angka, '-', '_', ':' atau '.'" / "the idempotency key must be 1 to 100 letters, digits, '-', '_', ':' or '.'",
    ErrReportNotFound => "Laporan {id} tidak ada (atau di luar wilayah atau klasifikasi Anda)." / "There is no report {id} (or it is outside your territory or clearance).",
    ErrWorkflow => "{detail}" / "{detail}",
    ErrMovedMeanwhile => "Laporan ini sudah dipindahkan orang lain; muat ulang dan periksa statusnya." / "Someone moved this report meanwhile; reload it and check its status.",
    // Sharing, duplicates and the live feed of the incident desk.
    ErrNotOwner => "Hanya instansi pemilik laporan ({agency}) yang dapat membagikan atau mencabut pembagiannya." / "Only the report's owning agency ({agency}) may share it or revoke a share.",
    ErrShareOwnAgency => "Laporan ini milik {agency} sendiri; bagikan ke instansi lain." / "This report belongs to {agency} already; share it with another agency.",
    ErrAlreadyShared => "Laporan ini sudah dibagikan ke {agency}." / "This report is already shared with {agency}.",
    ErrNotShared => "Laporan ini tidak sedang dibagikan ke {agency}." / "This report is not shared with {agency}.",
    ErrDuplicateUnknown => "Laporan {id} dan {other} tidak tercatat sebagai kemungkinan duplikat." / "Reports {id} and {other} are not recorded as probable duplicates.",
    ErrDuplicateDecided => "Kemungkinan duplikat ini sudah diputuskan ({status})." / "This probable duplicate was decided already ({status}).",
    DuplicateOf => "Duplikat dari {reference}" / "Duplicate of {reference}",
    LiveChanged => "{count} laporan baru atau berubah sejak halaman ini dibuka." / "{count} reports new or changed since this page was opened.",
    LiveThisChanged => "Laporan ini baru saja berubah." / "This report has just changed.",
    LiveReload => "Muat ulang" / "Reload",
    MoveEscalateVerify => "eskalasi: batas verifikasi terlewati" / "escalated: verification limit passed",
    MoveEscalateAct => "eskalasi: batas penanganan terlewati" / "escalated: action limit passed",
    MoveShare => "dibagikan ke {agency}" / "shared with {agency}",
    MoveRevoke => "pembagian ke {agency} dicabut" / "share with {agency} revoked",
    IncidentShares => "Dibagikan ke instansi lain" / "Shared with other agencies",
    IncidentNoShares => "Belum dibagikan ke instansi lain." / "Not shared with another agency.",
    ShareAgency => "Instansi" / "Agency",
    ShareReason => "Alasan (wajib)" / "Reason (required)",
    ShareButton => "Bagikan" / "Share",
    RevokeButton => "Cabut" / "Revoke",
    ShareRevokedNote => "dicabut {when} oleh {by}: {reason}" / "revoked {when} by {by}: {reason}",
    ShareSaved => "Pembagian laporan disimpan." / "The share was saved.",
    ShareRefused => "Tidak disimpan: {detail}" / "Not saved: {detail}",
    ShareOwnerOnly => "Hanya instansi pemilik laporan yang dapat membagikannya." / "Only the report's owning agency may share it.",
    IncidentDuplicates => "Kemungkinan duplikat" / "Probable duplicates",
    DuplicateGap => "selisih {minutes} menit" / "{minutes} minutes apart",
    DuplicateProbable => "kemungkinan" / "probable",
    DuplicateConfirmed => "dikonfirmasi duplikat" / "confirmed duplicate",
    DuplicateDismissed => "bukan duplikat" / "not a duplicate",
    DuplicateConfirm => "Konfirmasi duplikat" / "Confirm duplicate",
    DuplicateDismiss => "Bukan duplikat" / "Not a duplicate",
    DuplicateSaved => "Keputusan duplikat disimpan." / "The duplicate decision was saved.",
    DuplicateRefused => "Tidak disimpan: {detail}" / "Not saved: {detail}",
    ColDistance => "Jarak" / "Distance",
    ColGap => "Selisih waktu" / "Time apart",
    // Incident desk pages (server incident/pages/) and the report export (incident/api/export.rs)
    NavIncidents => "Insiden" / "Incidents",
    IncidentsTitle => "Laporan kejadian dan informasi" / "Incident and intelligence reports",
    IncidentsNone => "Tidak ada laporan yang cocok." / "No report matches.",
    IncidentsPageOf => "Halaman {page} dari {pages} · {total} laporan" / "Page {page} of {pages} · {total} reports",
    IncidentsFilterError => "Saringan tidak sah: {detail}" / "Invalid filter: {detail}",
    IncidentsMap => "Peta laporan" / "Map of the reports",
    IncidentsMapSummary => "{placed} laporan di peta; {unplaced} tanpa koordinat maupun pusat desa" / "{placed} reports on the map; {unplaced} with neither coordinates nor a village centre",
    IncidentsMapCapped => "Peta menampilkan {shown} laporan terbaru dari {total}; persempit saringan untuk melihat sisanya." / "The map shows the newest {shown} of {total} reports; narrow the filter to see the rest.",
    IncidentsQueueLink => "Antrean instansi" / "Agency queue",
    IncidentsEscalationsLink => "Panel eskalasi" / "Escalation panel",
    PagePrevious => "‹ Sebelumnya" / "‹ Previous",
    PageNext => "Berikutnya ›" / "Next ›",
    ShowingReports => "Menampilkan {shown} dari {total} laporan." / "Showing {shown} of {total} reports.",
    FilterArea => "Wilayah" / "Area",
    FilterFrom => "Dari tanggal" / "From",
    FilterTo => "Sampai tanggal" / "To",
    FilterSeverityMin => "Keparahan minimal" / "Lowest severity",
    FilterOpenOnly => "hanya yang menunggu verifikasi atau tindakan" / "only those awaiting verification or action",
    FilterRoutedTo => "Tanggung jawab instansi" / "Agency responsible",
    ColReference => "Nomor" / "Reference",
    ColCategory => "Kategori" / "Category",
    ColSeverity => "Keparahan" / "Severity",
    ColStatus => "Status" / "Status",
    ColOccurredAt => "Waktu kejadian (WIB)" / "Time of event (WIB)",
    ColSourceAgency => "Instansi pelapor" / "Reporting agency",
    ColOverdue => "Lewat batas" / "Overdue",
    ColWhen => "Waktu (WIB)" / "When (WIB)",
    ColWho => "Oleh" / "By",
    ColMove => "Langkah" / "Move",
    ColFromTo => "Dari → ke" / "From → to",
    ColReason => "Alasan" / "Reason",
    ColRole => "Peran" / "Role",
    ColLimit => "Batas yang dilewati" / "Limit missed",
    ColDueAt => "Jatuh tempo (WIB)" / "Due (WIB)",
    ColLate => "Terlambat" / "Late by",
    ColEscalatedTo => "Dieskalasi ke" / "Escalated to",
    KindIncident => "Laporan kejadian" / "Incident report",
    KindIntelligence => "Laporan informasi" / "Intelligence report",
    OverdueVerify => "batas verifikasi" / "verification limit",
    OverdueAct => "batas tindakan" / "action limit",
    OverdueFlag => "lewat {limit}, eskalasi {steps} tingkat" / "past the {limit}, escalated {steps} step(s)",
    LateTime => "{hours} jam {minutes} menit" / "{hours} h {minutes} min",
    FieldKind => "Jenis" / "Kind",
    FieldReportedAt => "Dilaporkan (WIB)" / "Filed (WIB)",
    FieldUpdatedAt => "Terakhir diubah (WIB)" / "Last changed (WIB)",
    FieldLocation => "Koordinat" / "Coordinates",
    FieldVillageCentre => "tidak ada; di peta pada pusat desa" / "none; shown at the village centre on the map",
    FieldDescription => "Uraian" / "Description",
    FieldSourcePerson => "Sumber" / "Source",
    FieldChannel => "Saluran" / "Channel",
    FieldClassification => "Klasifikasi" / "Classification",
    IncidentRoutes => "Satuan yang bertanggung jawab dan yang diberi tahu" / "Units responsible and informed",
    IncidentNoRoutes => "Laporan ini belum dirutekan ke satuan mana pun." / "This report was routed to no unit.",
    RouteResponsible => "bertanggung jawab" / "responsible",
    RouteInformed => "diberi tahu" / "informed",
    IncidentHistory => "Riwayat" / "History",
    IncidentComments => "Komentar" / "Comments",
    IncidentNoComments => "Belum ada komentar." / "No comments yet.",
    CommentNew => "Komentar baru" / "New comment",
    CommentButton => "Kirim komentar" / "Post the comment",
    CommentSaved => "Komentar disimpan." / "Comment saved.",
    CommentRefused => "Komentar tidak disimpan: {detail}" / "The comment was not saved: {detail}",
    MoveHeading => "Langkah berikutnya" / "Next move",
    MoveAction => "Langkah" / "Move",
    MoveRejectKind => "Jenis penolakan (untuk tolak)" / "Kind of rejection (to reject)",
    FieldRejectKind => "Jenis penolakan" / "Kind of rejection",
    MoveReason => "Alasan (wajib untuk tolak dan buka kembali)" / "Reason (required to reject and to reopen)",
    MoveButton => "Simpan langkah" / "Save the move",
    MoveSaved => "Langkah disimpan: status kini {status}." / "Move saved: the status is now {status}.",
    MoveRefused => "Langkah tidak disimpan: {detail}" / "The move was not saved: {detail}",
    MoveNone => "Tidak ada langkah dari status ini." / "No move is possible from this status.",
    MoveCreate => "dilaporkan" / "filed",
    MoveVerify => "verifikasi" / "verify",
    MoveReject => "tolak" / "reject",
    MoveAssign => "tugaskan" / "assign",
    MoveStart => "mulai tangani" / "start handling",
    MoveResolve => "selesaikan" / "resolve",
    MoveClose => "tutup" / "close",
    MoveReopen => "buka kembali" / "reopen",
    RejectHoax => "hoaks" / "hoax",
    RejectDuplicate => "duplikat" / "duplicate",
    RejectNotElection => "bukan terkait pemilihan" / "not election-related",
    RejectOther => "lainnya" / "other",
    OpenReport => "Buka laporan" / "Open the report",
    QueueTitle => "Antrean {agency}" / "Queue of {agency}",
    QueueIntro => "Laporan yang menjadi tanggung jawab instansi ini (atau dibagikan kepadanya) di wilayah Anda, per status." / "The reports this agency is responsible for (or that were shared with it) in your territory, by status.",
    QueueOpen => "Laporan yang masih terbuka" / "Reports still open",
    QueueShow => "Tampilkan" / "Show",
    EscalationsTitle => "Panel eskalasi" / "Escalation panel",
    EscalationsIntro => "Laporan di wilayah Anda yang melewati batas waktu verifikasi atau tindakan, yang paling lama terlambat di atas." / "The reports of your territory past their limit for verification or action, the longest overdue first.",
    EscalationsNone => "Tidak ada laporan yang lewat batas." / "No report is overdue.",
    ErrExportTooLarge => "{total} laporan cocok, padahal paling banyak {max} diekspor sekaligus. Persempit saringan (wilayah, tanggal)." / "{total} reports match, but at most {max} are exported at once. Narrow the filter (area, dates).",
    CliBadPhone => "Nomor telepon {phone} tidak sah: tulis mis. 0812-3456-7890 atau +6281234567890." / "The phone number {phone} is not valid: write e.g. 0812-3456-7890 or +6281234567890.",
    CliPhoneTaken => "Nomor {phone} sudah dipakai akun lain." / "The number {phone} belongs to another account.",
    CliPhoneSet => "Nomor telepon {username}: {phone}." / "Phone number of {username}: {phone}.",
    SmsUnknownSender => "Nomor Anda belum terdaftar di Sinergi. Hubungi operator Polres/Bawaslu untuk mendaftarkan nomor ini." / "Your number is not registered in Sinergi. Ask your Polres or Bawaslu operator to register it.",
    SmsVillageRequired => "Tulis desa kejadian: LAPOR <kategori> DESA <kode desa> <uraian>, mis. DESA 33.20.01.2001." / "Name the village: LAPOR <category> DESA <village code> <description>, e.g. DESA 33.20.01.2001.",
    SetBadShare => "share harus angka dari 0 sampai 1" / "the share must be a number from 0 to 1",
    RuleUnexpectedChar => "karakter `{char}` tidak dikenal" / "unexpected character `{char}`",
    RuleUnexpected => "seharusnya {expected}, tertulis {found}" / "expected {expected}, found {found}",
    RuleUnknownName => "nama `{name}` bukan variabel, indikator, holding, score, atau count" / "the name `{name}` is not a variable, an indicator, holding, score or count",
    RuleNotBoolean => "angka di tempat yang memerlukan benar/salah (bandingkan, misalnya `>= 1`)" / "a number where true/false is needed (compare it, e.g. `>= 1`)",
    RuleNotNumber => "benar/salah di tempat yang memerlukan angka" / "true/false where a number is needed",
    CredBadUsername => "nama pengguna harus 3 sampai 64 karakter a-z, 0-9, '.', '_' dan '-', diawali huruf" / "username must be 3 to 64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter",
    CredShortPassword => "kata sandi minimal {n} karakter" / "password must be at least {n} characters",
    CredLongPassword => "kata sandi maksimal {n} karakter" / "password must be at most {n} characters",
    CredPasswordContainsUsername => "kata sandi tidak boleh memuat nama pengguna" / "password must not contain the username",
    CredMonotonousPassword => "kata sandi harus memakai lebih dari tiga karakter berbeda" / "password must use more than three different characters",
    // Early warning scan (sinergi scan, docs/scan.md)
    ScanParamFraction => "harus lebih dari 0 dan paling besar 0,5 (tertulis {value})" / "must be greater than 0 and at most 0.5 (given {value})",
    ScanParamBetween => "harus dari 1 sampai {max} (tertulis {value})" / "must be from 1 to {max} (given {value})",
    ScanParamNonNegative => "harus bilangan 0 atau lebih (tertulis {value})" / "must be a number of 0 or more (given {value})",
    ScanPeriodReversed => "periode studi terbalik: mulai {start}, sesudah akhirnya {end}" / "the study period is reversed: it starts on {start}, after its end on {end}",
    ScanNoZones => "tidak ada zona (desa/kelurahan) untuk dipindai" / "there are no zones (villages) to scan",
    ScanDuplicateZone => "zona {code} muncul lebih dari sekali" / "the zone {code} appears more than once",
    ScanZoneNoCoordinates => "desa/kelurahan {code} tidak punya koordinat" / "the village {code} has no coordinates",
    ScanZoneNoCoordinatesDb => "desa/kelurahan {code} tidak punya koordinat di basis data; berikan zona dengan --zones BERKAS" / "the village {code} has no coordinates in the database; give the zones with --zones FILE",
    ScanUnknownZoneIndex => "kasus ke-{case} merujuk zona ke-{zone}, yang tidak ada" / "case {case} refers to zone {zone}, which does not exist",
    ScanNoCases => "tidak ada kasus dalam periode studi {start} sampai {end} ({outside} kasus di luar periode)" / "there are no cases in the study period {start} to {end} ({outside} cases lie outside it)",
    ScanTooFewCases => "terlalu sedikit kasus untuk pemindaian: {cases} kasus dalam periode studi, sedangkan klaster memerlukan paling sedikit {min}" / "too few cases for a scan: {cases} in the study period, and a cluster needs at least {min}",
    ScanTooManyCases => "terlalu banyak kasus: {cases} dalam periode studi, paling banyak {max} dapat dipindai sekaligus" / "too many cases: {cases} in the study period, and at most {max} can be scanned at once",
    ScanBadDay => "`{value}` bukan tanggal kalender YYYY-MM-DD" / "`{value}` is not a calendar date YYYY-MM-DD",
    ScanNotVillage => "{code} bukan kode desa/kelurahan (contoh: 33.20.01.2001)" / "{code} is not a village code (e.g. 33.20.01.2001)",
    ScanUnknownVillageFile => "desa/kelurahan {code} tidak ada di berkas zona" / "the village {code} is not in the zones file",
    ScanUnknownVillageDb => "desa/kelurahan {code} tidak ada di basis data" / "the village {code} is not in the database",
    ScanDuplicateId => "id {id} muncul lebih dari sekali (pertama di baris {first})" / "the id {id} appears more than once (first on line {first})",
    ScanRejected => "Pemindaian tidak dijalankan; masalah pada masukan: {count}." / "The scan was not run; problems in the input: {count}.",
    ScanNoCluster => "Tidak ada klaster: tidak satu pun silinder berisi lebih banyak kasus daripada harapan dan paling sedikit {min} kasus." / "No cluster: no cylinder holds more cases than expected and at least {min} cases.",
    ScanFound => "{used} kasus dipindai, {left} di luar periode dilewati ({seconds} detik). Klaster paling mungkin: {zones} desa/kelurahan sekitar {center}, {start} sampai {end}, {observed} kasus (harapan {expected}), p = {p}; {secondary} klaster sekunder." / "{used} cases scanned, {left} outside the period left out ({seconds} s). Most likely cluster: {zones} villages around {center}, {start} to {end}, {observed} cases ({expected} expected), p = {p}; {secondary} secondary clusters.",
    ScanProgress => "replikasi" / "replications",
    // Early warning on the live reports (server early_warning/; docs/scan.md, "On the live reports")
    AlertExplanation => "{villages} {village_word} di Kecamatan {districts}: {observed} laporan dalam {days} {day_word} terakhir, {ratio}× dari biasanya" / "{villages} {village_word} in {districts} district: {observed} reports in the last {days} {day_word}, {ratio}× the usual",
    AlertExplanationDistricts => "{villages} {village_word} di Kecamatan {districts}: {observed} laporan dalam {days} {day_word} terakhir, {ratio}× dari biasanya" / "{villages} {village_word} in the districts {districts}: {observed} reports in the last {days} {day_word}, {ratio}× the usual",
    AlertVillageOne => "desa" / "village",
    AlertVillageMany => "desa" / "villages",
    AlertDayOne => "hari" / "day",
    AlertDayMany => "hari" / "days",
    AlertAnd => "dan" / "and",
    AlertMapTitle => "Peringatan dini" / "Early warning",
    AlertMapSeen => "Pertama terlihat {first}, terakhir {last}; p = {p}" / "First seen {first}, last {last}; p = {p}",
    AlertNoCluster => "Tidak ada klaster yang bermakna." / "No significant cluster.",
    ErrScanRunNotFound => "Pemindaian {id} tidak ada (atau di luar wilayah Anda)." / "There is no scan {id} (or it is outside your territory).",
    ErrAlertNotFound => "Peringatan dini {id} tidak ada (atau di luar wilayah Anda)." / "There is no early warning {id} (or it is outside your territory).",
    ErrScanFailed => "Pemindaian tidak dapat dijalankan: {detail}" / "The scan could not be run: {detail}",
    ProblemNotRegency => "{code} bukan kode kabupaten/kota (contoh: 15.07)" / "{code} is not a regency code (e.g. 15.07)",
    // The early warning pages (server early_warning/pages/; docs/scan.md, "On the live reports")
    NavEarlyWarning => "Peringatan dini" / "Early warning",
    EwTitle => "Peringatan dini" / "Early warnings",
    EwIntro => "Kumpulan laporan yang tidak biasa di wilayah Anda: lebih banyak laporan terverifikasi di beberapa desa berdekatan dalam beberapa hari terakhir daripada biasanya. Pemindaian berjalan setiap jam; yang terbaru di atas." / "Unusual clusters of reports in your territory: more verified reports in a few neighbouring villages over the last days than usual. The scan runs every hour; the newest are listed first.",
    EwFilterState => "Keadaan" / "State",
    EwFilterRegency => "Kabupaten/kota" / "Regency",
    EwFilterError => "Saringan tidak sah: {detail}" / "Invalid filter: {detail}",
    EwStateActive => "masih aktif" / "still active",
    EwStateGone => "sudah hilang" / "gone",
    EwStateAll => "semua" / "all",
    EwNone => "Tidak ada peringatan dini yang cocok." / "No early warning matches.",
    EwPageOf => "Halaman {page} dari {pages} · {total} peringatan dini" / "Page {page} of {pages} · {total} early warnings",
    EwVillages => "Desa/kelurahan" / "Villages",
    EwDistricts => "Kecamatan" / "Districts",
    EwWindow => "Jendela waktu" / "Window",
    EwWindowDays => "{start} sampai {end}" / "{start} to {end}",
    EwObserved => "Laporan teramati" / "Reports observed",
    EwExpected => "Laporan yang diharapkan" / "Reports expected",
    EwRelativeRisk => "Risiko relatif (teramati ÷ harapan)" / "Relative risk (observed ÷ expected)",
    EwPValue => "Nilai p (Monte Carlo, yang menentukan)" / "p-value (Monte Carlo, the one that decides)",
    EwGumbel => "Nilai p Gumbel" / "Gumbel p-value",
    EwRadius => "Radius lingkaran" / "Circle radius",
    EwCenter => "Pusat lingkaran" / "Circle centre",
    EwFirstSeen => "Pertama terlihat (WIB)" / "First seen (WIB)",
    EwLastSeen => "Terakhir terlihat (WIB)" / "Last seen (WIB)",
    EwGoneAt => "Hilang (WIB)" / "Gone (WIB)",
    EwRoutes => "Dikirim ke" / "Sent to",
    EwNoRoutes => "Tidak ada satuan terdaftar di wilayah ini." / "No unit is registered in this area.",
    EwMapLink => "Lihat lingkaran di peta" / "See the circle on the map",
    EwDetailLink => "Riwayat dan desa" / "History and villages",
    EwAlertTitle => "Peringatan dini {id}" / "Early warning {id}",
    EwHistory => "Riwayat di setiap pemindaian" / "History across scans",
    EwHistoryFirst => "pertama terlihat" / "first seen",
    EwHistoryAgain => "masih aktif: terlihat lagi" / "still active: seen again",
    EwHistoryGone => "hilang: tidak ditemukan lagi" / "gone: not found again",
    EwHistoryPartial => "Riwayat lengkap tidak dapat disusun ulang dari pemindaian yang tersimpan; hanya pertama terlihat, terakhir terlihat dan hilang yang ditampilkan." / "The full history could not be rebuilt from the stored scans; only first seen, last seen and gone are shown.",
    EwColEvent => "Keadaan" / "State",
    EwColRun => "Pemindaian" / "Scan",
    EwRunsTitle => "Pemindaian terakhir" / "Recent scans",
    EwRunsIntro => "Pemindaian kabupaten/kota yang seluruhnya berada di wilayah Anda, yang terbaru di atas." / "Scans of the regencies wholly inside your territory, newest first.",
    EwRunsNone => "Belum ada pemindaian." / "No scan yet.",
    EwColTrigger => "Pemicu" / "Trigger",
    EwTriggerSchedule => "terjadwal" / "scheduled",
    EwTriggerDemand => "atas permintaan" / "on demand",
    EwColPeriod => "Periode studi" / "Study period",
    EwColClusters => "Klaster" / "Clusters",
    EwColAlerts => "Peringatan" / "Alerts",
    EwStatusDone => "selesai" / "done",
    EwStatusTooFew => "laporan terlalu sedikit" / "too few reports",
    EwStatusFailed => "gagal" / "failed",
    EwRunHeading => "Jalankan pemindaian sekarang" / "Run a scan now",
    EwRunIntro => "Memindai laporan satu kabupaten/kota sekarang, tanpa menunggu jadwal. Kosongkan angka untuk memakai bawaan server." / "Scans one regency's reports now, without waiting for the schedule. Leave a number empty to use the server's default.",
    EwRunDays => "Periode (hari terakhir)" / "Period (last days)",
    EwRunReplications => "Replikasi Monte Carlo" / "Monte Carlo replications",
    EwRunDefault => "bawaan: {value}" / "default: {value}",
    EwRunButton => "Jalankan pemindaian" / "Run the scan",
    EwRunNoRegency => "Wilayah Anda tidak mencakup satu kabupaten/kota utuh, jadi tidak ada yang dapat Anda pindai." / "Your territory holds no whole regency, so there is nothing you can scan.",
    EwRunRefused => "Pemindaian tidak dijalankan. Periksa isian berikut:" / "The scan was not run. Check these fields:",
    EwRunTitle => "Pemindaian {id} · {regency}" / "Scan {id} · {regency}",
    EwRunRequestedBy => "Diminta oleh" / "Requested by",
    EwRunStarted => "Mulai (WIB)" / "Started (WIB)",
    EwRunFinished => "Selesai (WIB)" / "Finished (WIB)",
    EwRunMessage => "Keterangan" / "Note",
    EwRunCasesUsed => "Laporan yang dipindai" / "Reports scanned",
    EwRunCasesLeftOut => "Laporan yang dilewati (tanpa koordinat desa atau di luar periode)" / "Reports left out (no village coordinates, or outside the period)",
    EwRunParams => "Parameter" / "Parameters",
    EwRunMaxRadius => "Radius lingkaran paling besar" / "Largest circle radius",
    EwRunMaxFraction => "Bagian laporan paling besar dalam satu lingkaran" / "Largest share of the reports in one circle",
    EwRunMaxDays => "Jendela waktu paling panjang (hari)" / "Longest window (days)",
    EwRunMinCases => "Laporan paling sedikit dalam satu klaster" / "Fewest reports in a cluster",
    EwRunSeed => "Benih acak" / "Seed",
    EwRunThreshold => "Ambang nilai p untuk peringatan" / "p-value threshold for an alert",
    EwRunCounted => "Laporan yang dihitung" / "Reports counted",
    EwCountedVerified => "yang lolos verifikasi" / "those that passed verification",
    EwCountedAllButRejected => "semua kecuali yang ditolak" / "all but the rejected ones",
    EwRunClusters => "Klaster yang ditemukan" / "Clusters found",
    EwRunNoClusters => "Tidak ada klaster." / "No cluster.",
    EwMostLikely => "paling mungkin" / "most likely",
    EwSecondary => "sekunder" / "secondary",
    EwColKind => "Jenis" / "Kind",
    EwColSignificant => "Bermakna" / "Significant",
    EwYes => "ya" / "yes",
    EwNo => "tidak" / "no",
    EwAlertNew => "peringatan baru {id}" / "new alert {id}",
    EwAlertRefreshed => "memperbarui peringatan {id}" / "refreshes alert {id}",
    EwRunGone => "Peringatan yang berakhir karena pemindaian ini" / "Alerts this scan ended",
    EwRunNoAlertLinks => "Peringatan dari klaster ini tidak dapat disusun ulang dari pemindaian yang tersimpan." / "The alerts of these clusters could not be rebuilt from the stored scans.",
    EwColCoordinates => "Koordinat pusat" / "Centre coordinates",
    // The field form (server incident/pages/field.rs, web/src/field.js; docs/incidents.md, "Field form")
    NavFieldForm => "Lapor" / "Report",
    FieldFormTitle => "Lapor dari lapangan" / "Field report",
    FieldFormIntro => "Laporan disimpan di perangkat dulu, lalu dikirim begitu ada sinyal; tidak ada yang terkirim dua kali." / "A report is kept on the device first and sent as soon as there is signal; nothing is sent twice.",
    FieldFormKind => "Jenis laporan" / "Kind of report",
    FieldFormKindIncident => "Kejadian" / "Incident",
    FieldFormKindIntelligence => "Informasi" / "Intelligence",
    FieldFormCategory => "Kategori" / "Category",
    FieldFormSeverity => "Tingkat keparahan" / "Severity",
    FieldFormSeverityDefault => "Sesuai kategori" / "As the category says",
    FieldFormClassification => "Klasifikasi" / "Classification",
    FieldFormClassificationDefault => "Sesuai jenis (kejadian: biasa, informasi: terbatas)" / "By kind (incident: biasa, intelligence: terbatas)",
    FieldFormOccurredAt => "Waktu kejadian" / "Time of the event",
    FieldFormPlace => "TPS (id) atau kode desa/kelurahan" / "TPS (id) or village code",
    FieldFormPlaceHint => "Mis. 1234 untuk TPS, 33.20.01.2001 untuk desa/kelurahan; atau isi koordinat." / "E.g. 1234 for a TPS, 33.20.01.2001 for a village; or give coordinates.",
    FieldFormCoordinates => "Koordinat" / "Coordinates",
    FieldFormLat => "Lintang" / "Latitude",
    FieldFormLng => "Bujur" / "Longitude",
    FieldFormLocate => "Gunakan lokasi saya" / "Use my location",
    FieldFormLocating => "Mencari lokasi…" / "Finding the location…",
    FieldFormLocated => "Lokasi: {lat}, {lng} (±{metres} m)" / "Location: {lat}, {lng} (±{metres} m)",
    FieldFormNoLocation => "Lokasi tidak tersedia: {detail}" / "No location: {detail}",
    FieldFormDescription => "Uraian" / "Description",
    FieldFormSubmit => "Kirim laporan" / "Send report",
    FieldFormSent => "Laporan terkirim. Nomor: {reference}" / "Report sent. Number: {reference}",
    FieldFormReplayed => "Laporan ini sudah diterima sebelumnya. Nomor: {reference}" / "This report had already arrived. Number: {reference}",
    FieldFormNotSent => "Laporan belum terkirim:" / "The report was not sent:",
    FieldFormQueued => "Tersimpan di perangkat, akan dikirim saat sinyal kembali" / "Saved on the device; it will be sent when the signal returns",
    FieldFormWaiting => "{count} laporan menunggu dikirim" / "{count} report(s) waiting to be sent",
    FieldFormSending => "Mengirim…" / "Sending…",
    FieldFormRefused => "Ditolak: {detail}" / "Refused: {detail}",
    FieldFormRefusedHint => "Perbaiki lalu kirim lagi, atau hapus." / "Correct it and send it again, or delete it.",
    FieldFormSignIn => "Sesi Anda berakhir. Masuk lagi untuk mengirim; laporan yang menunggu tetap tersimpan." / "Your session has ended. Sign in again to send; the waiting reports stay saved.",
    FieldFormBusy => "Server belum bisa menerima; akan dicoba lagi." / "The server cannot take it yet; it will be tried again.",
    FieldFormEdit => "Ubah" / "Edit",
    FieldFormDelete => "Hapus" / "Delete",
    FieldFormStateWaiting => "menunggu dikirim" / "waiting to be sent",
    FieldFormStateFailed => "ditolak server" / "refused by the server",
    FieldFormOutbox => "Menunggu dikirim" / "Waiting to be sent",
    FieldFormSentList => "Terkirim dari perangkat ini" / "Sent from this device",
    FieldFormOfflineReady => "Formulir ini bisa dibuka tanpa sinyal." / "This form opens without signal.",
    FieldFormNotSaved => "Laporan tidak bisa disimpan di perangkat: {detail}" / "The report could not be saved on the device: {detail}",
    // The report taxonomy as data: routing rules (server incident/api/taxonomy.rs, incident/pages/rules.rs, `sinergi taxonomy`;
    // docs/incidents.md, "The taxonomy")
    ErrInvalidTaxonomy => "Taksonomi ditolak ({count} kesalahan): {detail}" / "The taxonomy was refused ({count} faults): {detail}",
    ErrCategoryInUse => "Kategori ini masih dipakai laporan yang tersimpan dan tidak boleh dihapus: {categories}" / "These categories are still used by stored reports and cannot be dropped: {categories}",
    ErrTaxonomyVersionNotFound => "Versi taksonomi {id} tidak ada." / "There is no taxonomy version {id}.",
    RulesTitle => "Aturan rute laporan" / "Report routing rules",
    RulesIntro => "Kategori laporan, satuan yang wajib bertindak dan yang diberi tahu, serta batas waktu per tingkat keparahan. Aturan ini berlaku untuk semua instansi dan sampai ke setiap server dalam beberapa detik setelah disimpan." / "The report categories, the units that must act and those informed, and the time limits per severity. These rules hold for every agency and reach every server within a few seconds of being saved.",
    RulesLink => "Aturan rute" / "Routing rules",
    RulesInForceStored => "Berlaku: taksonomi {taxonomy} versi {version} (versi tersimpan {id}, dimuat {when} oleh {by})." / "In force: taxonomy {taxonomy} version {version} (stored version {id}, loaded {when} by {by}).",
    RulesInForceShipped => "Berlaku: taksonomi {taxonomy} versi {version} bawaan Sinergi; belum ada versi yang dimuat ke basis data." / "In force: taxonomy {taxonomy} version {version} as shipped with Sinergi; no version has been loaded into the database yet.",
    RulesColId => "Kode" / "Id",
    RulesColLabel => "Nama" / "Name",
    RulesColDefaultSeverity => "Keparahan bawaan" / "Default severity",
    RulesColResponsible => "Satuan yang wajib bertindak" / "Units that must act",
    RulesColInformed => "Diberi tahu" / "Informed",
    RulesColWords => "Kata SMS" / "SMS words",
    RulesNoRoute => "tanpa rute: satuan polisi terdekat" / "no route: the nearest police unit",
    RulesLimitsHeading => "Batas waktu per tingkat keparahan" / "Time limits per severity",
    RulesColVerify => "Verifikasi dalam" / "Verify within",
    RulesColAct => "Tindakan pertama dalam" / "First action within",
    RulesMinutes => "{minutes} menit" / "{minutes} minutes",
    RulesHistoryHeading => "Riwayat versi" / "Version history",
    RulesHistoryNone => "Belum ada versi yang dimuat ke basis data." / "No version has been loaded into the database yet.",
    RulesHistoryMore => "{shown} dari {total} versi ditampilkan; semuanya ada di API (GET /api/v1/report-categories/versions)." / "{shown} of {total} versions shown; the API lists them all (GET /api/v1/report-categories/versions).",
    RulesColStored => "Versi tersimpan" / "Stored version",
    RulesColVersion => "Versi" / "Version",
    RulesColLoadedBy => "Dimuat oleh" / "Loaded by",
    RulesColLoadedAt => "Waktu (WIB)" / "When (WIB)",
    RulesTagInForce => "berlaku" / "in force",
    RulesFormHeading => "Muat versi baru" / "Load a new version",
    RulesFormIntro => "Ubah teks TOML di bawah dan tulis alasannya. Teks diperiksa utuh: bila ada kesalahan, semuanya ditampilkan dengan tempatnya dan tidak ada yang disimpan. Kategori yang sudah dipakai laporan tidak boleh dihapus." / "Change the TOML text below and give the reason. The text is checked whole: if anything is wrong, every fault is shown with its place and nothing is saved. Categories already used by reports cannot be dropped.",
    RulesFormToml => "Taksonomi (TOML)" / "Taxonomy (TOML)",
    RulesFormReason => "Alasan perubahan" / "Reason for the change",
    RulesFormSubmit => "Periksa dan simpan" / "Check and save",
    RulesRefused => "Tidak disimpan:" / "Not saved:",
    RulesSaved => "Versi tersimpan {id} (taksonomi versi {version}) disimpan dan berlaku." / "Stored version {id} (taxonomy version {version}) saved and in force.",
    CliTaxonomySound => "{file}: taksonomi {id} versi {version} benar: {categories} kategori, {routes} rute." / "{file}: taxonomy {id} version {version} is sound: {categories} categories, {routes} routes.",
    CliTaxonomyRejected => "{file}: taksonomi ditolak ({count} kesalahan); tidak ada yang disimpan." / "{file}: taxonomy refused ({count} faults); nothing was stored.",
    CliTaxonomyInUse => "Kategori ini masih dipakai laporan yang tersimpan dan tidak boleh dihapus: {categories}. Tidak ada yang disimpan." / "These categories are still used by stored reports and cannot be dropped: {categories}. Nothing was stored.",
    CliTaxonomyNoReason => "--reason tidak boleh kosong: tulis mengapa aturan diubah." / "--reason must not be empty: say why the rules change.",
    CliTaxonomyLoaded => "Taksonomi {id} versi {version} disimpan sebagai versi {stored}; server yang berjalan memakainya dalam beberapa detik." / "Taxonomy {id} version {version} stored as version {stored}; running servers put it in force within a few seconds.",
    // The election calendar: stages and operation phases as data, the countdown, iCalendar (domain
    // coordination/calendar; issue 18)
    CalKindStage => "tahapan" / "election stage",
    CalKindOperation => "fase operasi" / "operation phase",
    CalVotingDay => "hari pemungutan suara" / "voting day",
    CalDaysToVoting => "{days} hari menuju hari pemungutan suara" / "{days} days to voting day",
    CalVotingTomorrow => "Besok hari pemungutan suara" / "Voting day is tomorrow",
    CalVotingToday => "Hari ini hari pemungutan suara" / "Today is voting day",
    CalVotingYesterday => "Kemarin hari pemungutan suara" / "Voting day was yesterday",
    CalDaysAfterVoting => "{days} hari setelah hari pemungutan suara" / "{days} days after voting day",
    CalNoStageInForce => "Tidak ada tahapan yang sedang berlangsung" / "No stage is in progress",
    CalNextStage => "Tahapan berikutnya: {stage}, mulai {date}" / "Next stage: {stage}, from {date}",
    CalPlaceStage => "tahapan ke-{n}, {field}" / "stage {n}, {field}",
    CalPlaceOperation => "fase operasi ke-{n}, {field}" / "operation phase {n}, {field}",
    CalBadId => "pengenal `{id}` tidak sah: huruf kecil a-z, angka atau '_', diawali huruf, paling panjang {max} karakter" / "invalid id `{id}`: lowercase a-z, digits or '_', starting with a letter, at most {max} characters",
    CalBadDate => "`{value}` bukan tanggal YYYY-MM-DD yang ada di kalender" / "`{value}` is not a calendar date YYYY-MM-DD",
    CalEndBeforeStart => "berakhir {end}, sebelum mulai {start}" / "ends on {end}, before it starts on {start}",
    CalHalfNote => "isi note dan note_en keduanya, atau kosongkan keduanya" / "give both note and note_en, or neither",
    CalNoStages => "kalender tanpa tahapan ([[stage]])" / "a calendar without stages ([[stage]])",
    CalNoVotingStage => "tidak ada tahapan `{id}` yang memuat hari pemungutan suara" / "there is no stage `{id}` to hold the voting day",
    CalVotingOutsideStage => "hari pemungutan suara {day} di luar tahapan `{id}` ({start} s.d. {end})" / "voting day {day} lies outside the stage `{id}` ({start} to {end})",
    IcsPlaceLine => "baris {line}" / "line {line}",
    IcsNoCalendar => "bukan berkas iCalendar: tidak ada BEGIN:VCALENDAR" / "not an iCalendar file: there is no BEGIN:VCALENDAR",
    IcsBadLine => "baris ini bukan NAMA:NILAI" / "this line is not NAME:VALUE",
    IcsUnterminated => "BEGIN:{component} tanpa END:{component}" / "BEGIN:{component} without END:{component}",
    IcsUnexpectedEnd => "END:{component} tanpa BEGIN:{component} sebelumnya" / "END:{component} without a BEGIN:{component} before it",
    IcsOutsideComponent => "{property} di luar BEGIN…END" / "{property} outside any BEGIN…END",
    IcsMissing => "VEVENT tanpa {property}" / "a VEVENT without {property}",
    IcsDuplicate => "{property} muncul lebih dari sekali dalam satu VEVENT" / "{property} appears more than once in one VEVENT",
    IcsBadDate => "{property}: `{value}` bukan tanggal YYYYMMDD yang ada di kalender" / "{property}: `{value}` is not a calendar date YYYYMMDD",
    IcsNotAllDay => "{property}: `{value}` memuat jam; hanya acara sepanjang hari (VALUE=DATE) yang dibaca" / "{property}: `{value}` has a time of day; only all-day events (VALUE=DATE) are read",
    IcsEndNotAfterStart => "DTEND {end} harus sesudah DTSTART {start} (hari DTEND tidak termasuk)" / "DTEND {end} must come after DTSTART {start} (the DTEND day is not included)",
    IcsBadEscape => "{property}: `{sequence}` bukan escape teks yang sah (\\\\, \\;, \\, atau \\n)" / "{property}: `{sequence}` is not a valid text escape (\\\\, \\;, \\, or \\n)",
    IcsBadText => "{property}: {detail}" / "{property}: {detail}",
    IcsUnsupported => "{property} (acara berulang atau durasi) tidak didukung; tulis DTSTART dan DTEND" / "{property} (repeating events or durations) is not supported; give DTSTART and DTEND",
    // Documents in PDF (crate sinergi-pdf; issue 18)
    PdfPageOf => "Halaman {n} dari {total}" / "Page {n} of {total}",
    PdfNumber => "Nomor" / "Number",
    PdfNature => "Sifat" / "Priority",
    PdfAttachments => "Lampiran" / "Attachments",
    PdfSubject => "Perihal" / "Subject",
    PdfAddressee => "Kepada Yth." / "To",
    PdfAddresseeAt => "di" / "at",
    PdfAddresseePlace => "Tempat" / "their respective offices",
    PdfDayDate => "Hari/tanggal" / "Day/date",
    PdfTime => "Waktu" / "Time",
    PdfVenue => "Tempat" / "Venue",
    PdfEvent => "Acara" / "Event",
    PdfAgenda => "Susunan acara" / "Agenda",
    PdfColNo => "No." / "No.",
    PdfColItem => "Kegiatan" / "Item",
    PdfColPresenter => "Penyaji" / "Presenter",
    PdfCopiesTo => "Tembusan" / "Copies to",
    PdfAttendanceTitle => "DAFTAR HADIR" / "ATTENDANCE LIST",
    PdfColName => "Nama" / "Name",
    PdfColPosition => "Jabatan" / "Position",
    PdfColUnitAgency => "Satuan / Instansi" / "Unit / Agency",
    PdfColSignature => "Tanda tangan" / "Signature",
    PdfColNote => "Ket." / "Note",
    PdfMinutesTitle => "NOTULEN RAPAT" / "MINUTES OF MEETING",
    PdfMeeting => "Rapat" / "Meeting",
    PdfTheme => "Tema" / "Theme",
    PdfChair => "Pimpinan rapat" / "Chair",
    PdfSecretary => "Notulis" / "Secretary",
    PdfAttendance => "Kehadiran" / "Attendance",
    PdfSecAttendees => "PESERTA RAPAT" / "PARTICIPANTS",
    PdfSecAgenda => "SUSUNAN ACARA" / "AGENDA",
    PdfSecBriefings => "PAPARAN" / "BRIEFINGS",
    PdfSecDiscussion => "PEMBAHASAN" / "DISCUSSION",
    PdfSecDecisions => "KEPUTUSAN DAN RENCANA TINDAK LANJUT" / "DECISIONS AND ACTION ITEMS",
    PdfSecFollowUp => "TINDAK LANJUT RAPAT SEBELUMNYA" / "FOLLOW-UP OF THE PREVIOUS MEETING",
    PdfDecision => "Keputusan {number}" / "Decision {number}",
    PdfColOwner => "Penanggung jawab" / "Owner",
    PdfColTask => "Tugas" / "Task",
    PdfColDeadline => "Tenggat" / "Deadline",
    PdfColStatus => "Status" / "Status",
    PdfNoItems => "Tidak ada." / "None.",
    PdfArea => "Wilayah" / "Area",
    PdfPeriod => "Periode" / "Period",
    PdfKeyFigures => "DATA POKOK" / "KEY FIGURES",
    PdfNoData => "Tidak ada data" / "No data",
    PdfMapIndex => "Indeks kerawanan" / "Vulnerability index",
    PdfMapClass1 => "Sangat rendah" / "Very low",
    PdfMapClass2 => "Rendah" / "Low",
    PdfMapClass3 => "Sedang" / "Medium",
    PdfMapClass4 => "Tinggi" / "High",
    PdfMapClass5 => "Sangat tinggi" / "Very high",
    PdfMapIncidents => "Insiden" / "Incidents",
    PdfSeverity1 => "Ringan" / "Low",
    PdfSeverity2 => "Sedang" / "Medium",
    PdfSeverity3 => "Berat" / "High",
    PdfSeverity4 => "Kritis" / "Critical",
    PdfMapAlert => "Peringatan dini (radius)" / "Early warning (radius)",
    PdfChartOther => "Lainnya" / "Other",
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_both_languages_and_the_same_placeholders() {
        for &msg in Msg::ALL {
            let (id, en) = (msg.text(Lang::Id), msg.text(Lang::En));
            assert!(!id.is_empty() && !en.is_empty(), "{msg:?}");
            let names = |s: &str| {
                let mut v: Vec<String> =
                    s.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(n, _)| n.to_owned())).collect();
                v.sort();
                v
            };
            assert_eq!(names(id), names(en), "placeholders differ in {msg:?}");
        }
    }

    #[test]
    fn fills_placeholders() {
        let s = Lang::En.format(Msg::ErrRegionNotFound, &[("code", &"15.07")]);
        assert_eq!(s, "There is no region with code 15.07.");
        assert_eq!(fill("{a} and {b}", &[("a", &1)]), "1 and {b}");
        assert_eq!(fill("open {", &[]), "open {");
    }

    #[test]
    fn parses_language_tags() {
        assert_eq!(Lang::parse("en-US"), Some(Lang::En));
        assert_eq!(Lang::parse("ID"), Some(Lang::Id));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::from_accept_language("fr-FR, en;q=0.8, id;q=0.5"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("de"), None);
    }

    #[test]
    fn groups_thousands_by_language() {
        assert_eq!(Lang::Id.number(1234567), "1.234.567");
        assert_eq!(Lang::En.number(1234567), "1,234,567");
        assert_eq!(Lang::En.number(999), "999");
        assert_eq!(Lang::Id.number(0), "0");
    }
}
