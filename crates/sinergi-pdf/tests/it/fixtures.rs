//! Realistic documents of Polres Jepara for the integration tests and the benchmark (which includes this file).

use sinergi_domain::i18n::Lang;
use sinergi_pdf::*;

pub fn letterhead() -> Letterhead {
    Letterhead {
        parent: vec!["Kepolisian Negara Republik Indonesia".into(), "Daerah Jawa Tengah".into()],
        unit: "Resor Jepara".into(),
        address: Some("Jalan Kartini Nomor 1, Jepara 59411 · Telepon (0291) 591110".into()),
    }
}

pub fn kapolres() -> Signatory {
    Signatory {
        position: "KEPALA KEPOLISIAN RESOR JEPARA".into(),
        name: "Dr. ERICK BUDI SANTOSO, S.I.K., M.H.".into(),
        rank: Some("AJUN KOMISARIS BESAR POLISI NRP 79010123".into()),
    }
}

pub fn agenda() -> Vec<AgendaLine> {
    vec![
        AgendaLine {
            time: "08.30–09.00".into(), title: "Registrasi peserta".into(), presenter: "Sekretariat".into()
        },
        AgendaLine {
            time: "09.00–09.15".into(),
            title: "Pembukaan dan arahan Kapolres Jepara".into(),
            presenter: "Kapolres Jepara".into(),
        },
        AgendaLine {
            time: "09.15–10.30".into(),
            title: "Paparan kerawanan TPS dan rencana pengamanan masa kampanye".into(),
            presenter: "Kabag Ops Polres Jepara".into(),
        },
        AgendaLine {
            time: "10.30–11.30".into(),
            title: "Paparan kesiapan logistik dan tahapan pemungutan suara".into(),
            presenter: "Ketua KPU Kabupaten Jepara".into(),
        },
        AgendaLine {
            time: "11.30–12.00".into(),
            title: "Diskusi dan kesimpulan".into(),
            presenter: "Pimpinan rapat".into(),
        },
    ]
}

pub fn invitation(lang: Lang) -> Invitation {
    Invitation {
        lang,
        letterhead: letterhead(),
        classification: None,
        number: "B/1127/XII/PAM.3.2./2026".into(),
        place_and_date: "Jepara, 2 Desember 2026".into(),
        nature: Some("Segera".into()),
        attachments: Some("1 (satu) berkas".into()),
        subject: "Undangan Rapat Koordinasi Lintas Sektoral Pengamanan Pilkada Tahun 2026".into(),
        invitees: vec![
            "Komandan Kodim 0719/Jepara".into(),
            "Ketua KPU Kabupaten Jepara".into(),
            "Ketua Bawaslu Kabupaten Jepara".into(),
            "Kepala Kantor Kesbangpol Kabupaten Jepara".into(),
            "Kepala Satpol PP Kabupaten Jepara".into(),
            "Para Kapolsek jajaran Polres Jepara".into(),
        ],
        opening: "Dalam rangka menjamin keamanan dan ketertiban masyarakat selama masa kampanye Pemilihan Bupati dan Wakil Bupati Jepara Tahun 2026, serta untuk menyamakan langkah seluruh pemangku kepentingan dalam pengamanan tahapan pemungutan suara, bersama ini kami mengundang Bapak/Ibu untuk hadir pada rapat koordinasi yang akan dilaksanakan pada:".into(),
        day_date: "Kamis, 5 Desember 2026".into(),
        time: "Pukul 09.00 WIB s.d. selesai".into(),
        venue: "Aula Sanika Satyawada Polres Jepara, Jalan Kartini Nomor 1, Jepara".into(),
        event: "Rakor Lintas Sektoral Pengamanan Pilkada Kabupaten Jepara".into(),
        agenda: agenda(),
        closing: Some("Mengingat pentingnya acara tersebut, dimohon kehadiran Bapak/Ibu tepat pada waktunya atau diwakili oleh pejabat yang berwenang mengambil keputusan. Demikian untuk menjadi maklum.".into()),
        signatory: kapolres(),
        copies_to: vec!["Kapolda Jawa Tengah".into(), "Bupati Jepara".into(), "Ketua DPRD Kabupaten Jepara".into()],
    }
}

const UNITS: &[(&str, &str)] = &[
    ("Polres Jepara", "Polri"),
    ("Kodim 0719/Jepara", "TNI AD"),
    ("KPU Kabupaten Jepara", "KPU"),
    ("Bawaslu Kabupaten Jepara", "Bawaslu"),
    ("Satpol PP Kabupaten Jepara", "Pemerintah Daerah"),
    ("Kesbangpol Kabupaten Jepara", "Pemerintah Daerah"),
    ("Dinas Perhubungan Kabupaten Jepara", "Pemerintah Daerah"),
    ("BPBD Kabupaten Jepara", "Pemerintah Daerah"),
    ("Kejaksaan Negeri Jepara", "Kejaksaan"),
    ("Polsek Bangsri", "Polri"),
];
const NAMES: &[&str] = &[
    "Kompol Agus Setiawan, S.H.",
    "Mayor Inf. Bambang Wicaksono",
    "Dra. Siti Nurhaliza, M.Si.",
    "Ahmad Fauzi, S.Pd.",
    "Hendro Prasetyo, S.Sos.",
    "Ir. Dewi Kartikasari",
    "Iptu Rudi Hartono",
    "Lettu Arh. Yusuf Maulana",
    "Nur Hidayah, S.H., M.H.",
    "AKP Sri Wahyuningsih",
];
const NOTES: &[&str] = &["Hadir", "Hadir", "Diwakili", "Hadir", "Tidak hadir", ""];

pub fn attendees(n: usize) -> Vec<AttendanceRow> {
    (0..n)
        .map(|i| {
            let (unit, agency) = UNITS[i % UNITS.len()];
            AttendanceRow {
                unit: unit.into(),
                agency: agency.into(),
                name: if i % 7 == 6 { String::new() } else { NAMES[i % NAMES.len()].into() },
                position: ["Kabag Ops", "Pasiter", "Ketua", "Anggota", "Kasi Trantib", "Kapolsek"][i % 6].into(),
                note: NOTES[i % NOTES.len()].into(),
            }
        })
        .collect()
}

pub fn attendance(lang: Lang, rows: usize, blank_rows: usize) -> AttendanceList {
    AttendanceList {
        lang,
        letterhead: letterhead(),
        classification: Some("TERBATAS".into()),
        title: "Rakor Lintas Sektoral Pengamanan Pilkada Kabupaten Jepara".into(),
        day_date: "Kamis, 5 Desember 2026".into(),
        time: "Pukul 09.00 WIB s.d. selesai".into(),
        venue: "Aula Sanika Satyawada Polres Jepara".into(),
        rows: attendees(rows),
        blank_rows,
    }
}

fn action(owner: &str, task: &str, deadline: &str, status: &str) -> ActionLine {
    ActionLine { owner: owner.into(), task: task.into(), deadline: deadline.into(), status: status.into() }
}

pub fn minutes(lang: Lang, attendees_n: usize) -> Minutes {
    Minutes {
        lang,
        letterhead: letterhead(),
        classification: Some("TERBATAS".into()),
        number: "NOT/45/XII/2026/Bagops".into(),
        title: "Rakor Lintas Sektoral Pengamanan Pilkada Kabupaten Jepara".into(),
        theme: Some("Sinergi TNI-Polri dan penyelenggara pemilihan menjelang masa tenang".into()),
        day_date: "Kamis, 5 Desember 2026".into(),
        time: "09.00–12.10 WIB".into(),
        venue: "Aula Sanika Satyawada Polres Jepara".into(),
        chair: "AKBP Dr. Erick Budi Santoso, S.I.K., M.H. (Kapolres Jepara)".into(),
        secretary: "Bripka Dwi Astuti (Bagops Polres Jepara)".into(),
        stage: Some("Tahapan: Kampanye (H-12)".into()),
        attendance_summary: "32 dari 40 unit hadir; 9 dari 10 instansi".into(),
        attendees: attendees(attendees_n),
        agenda: agenda(),
        briefings: vec![
            Briefing {
                unit: "Bagops Polres Jepara".into(),
                presenter: "Kompol Agus Setiawan, S.H.".into(),
                summary: "Dari 2.147 TPS di 16 kecamatan, 38 TPS tergolong sangat rawan, terutama di Kecamatan Bangsri, Keling dan Karimunjawa (akses laut). Pengamanan memakai pola 2 personel Polri dan 1 personel TNI untuk setiap TPS sangat rawan.".into(),
                attachments: vec!["peta-kerawanan-tps.pdf".into(), "rencana-pengamanan.xlsx".into()],
            },
            Briefing {
                unit: "KPU Kabupaten Jepara".into(),
                presenter: "Dra. Siti Nurhaliza, M.Si.".into(),
                summary: "Logistik pemungutan suara tiba di gudang KPU pada 1 Desember 2026; distribusi ke PPK dijadwalkan H-3. Distribusi ke Karimunjawa bergantung pada jadwal kapal dan cuaca.".into(),
                attachments: vec![],
            },
        ],
        discussion: vec![
            "Dandim 0719/Jepara menyampaikan kesiapan 150 personel untuk membantu pengamanan distribusi logistik dan meminta jalur distribusi ke Karimunjawa disiapkan dengan kapal cadangan.".into(),
            "Ketua Bawaslu Kabupaten Jepara melaporkan 7 dugaan pelanggaran kampanye (alat peraga di tempat ibadah dan sekolah) yang sedang ditangani bersama Satpol PP.".into(),
            "Peserta sepakat memperkuat patroli gabungan di Kecamatan Bangsri dan Keling pada malam hari selama masa tenang.".into(),
        ],
        decisions: vec![
            DecisionBlock {
                number: "KEP-01".into(),
                text: "Patroli gabungan TNI-Polri-Satpol PP dilaksanakan setiap malam di Kecamatan Bangsri dan Keling mulai 6 Desember 2026 sampai dengan hari pemungutan suara.".into(),
                actions: vec![
                    action("Kabag Ops Polres Jepara", "Menyusun jadwal dan rute patroli gabungan", "6 Desember 2026", "Berjalan"),
                    action("Pasiter Kodim 0719/Jepara", "Menyiapkan personel TNI untuk patroli", "6 Desember 2026", "Belum mulai"),
                ],
            },
            DecisionBlock {
                number: "KEP-02".into(),
                text: "Distribusi logistik ke Karimunjawa dikawal personel Satpolairud dengan kapal cadangan milik Dinas Perhubungan.".into(),
                actions: vec![action("Kasat Polairud", "Pengawalan logistik ke Karimunjawa", "H-3", "Belum mulai")],
            },
        ],
        follow_up: vec![
            action("Kasat Intelkam", "Pemetaan potensi konflik antarpendukung", "30 November 2026", "Selesai"),
            action("Kesbangpol", "Sosialisasi netralitas ASN", "1 Desember 2026", "Selesai"),
        ],
        signatories: vec![
            Signatory {
                position: "NOTULIS".into(),
                name: "DWI ASTUTI".into(),
                rank: Some("BRIGADIR POLISI KEPALA NRP 88070456".into()),
            },
            Signatory { position: "PIMPINAN RAPAT".into(), ..kapolres() },
        ],
        place_and_date: "Jepara, 5 Desember 2026".into(),
    }
}

/// A small deterministic generator (no dependency): xorshift.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % 1_000_000) as f64 / 1_000_000.0
    }
}

const JEPARA_DISTRICTS: [&str; 16] = [
    "Kedung",
    "Pecangaan",
    "Kalinyamatan",
    "Welahan",
    "Mayong",
    "Nalumsari",
    "Batealit",
    "Tahunan",
    "Jepara",
    "Mlonggo",
    "Pakis Aji",
    "Bangsri",
    "Kembang",
    "Keling",
    "Donorojo",
    "Karimunjawa",
];

/// 16 districts on a 4 × 4 grid around Jepara, each a wiggly ring of `vertices` vertices.
pub fn districts(vertices: usize) -> Vec<MapArea> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..16)
        .map(|i| {
            let (col, row) = ((i % 4) as f64, (i / 4) as f64);
            let (cx, cy) = (110.62 + col * 0.09 + 0.045, -6.45 - row * 0.08 - 0.04);
            // Closed: the last vertex repeats the first (v % vertices).
            let ring: Vec<(f64, f64)> = (0..=vertices)
                .map(|v| {
                    let t = (v % vertices) as f64 / vertices as f64 * std::f64::consts::TAU;
                    let jitter = if v % vertices == 0 { 0.0 } else { 0.0002 * rng.next() };
                    let r = 0.042 * (1.0 + 0.07 * (t * 9.0 + i as f64).sin()) + jitter;
                    (cx + r * t.cos() * 1.05, cy + r * t.sin() * 0.95)
                })
                .collect();
            MapArea {
                name: JEPARA_DISTRICTS[i].into(),
                rings: vec![ring],
                centroid: Some((cx, cy)),
                shade: if i == 15 { None } else { Some((i as f64 * 0.37) % 1.0) },
                label: true,
            }
        })
        .collect()
}

pub fn incident_points(n: usize) -> Vec<MapPoint> {
    let mut rng = Rng(42);
    let mut points: Vec<MapPoint> = (0..n)
        .map(|i| MapPoint {
            lon: 110.63 + rng.next() * 0.34,
            lat: -6.42 - rng.next() * 0.30,
            kind: PointKind::Incident { severity: (1 + i % 4) as u8 },
        })
        .collect();
    points.push(MapPoint { lon: 110.70, lat: -6.50, kind: PointKind::Alert { radius_km: 3.0 } });
    points.push(MapPoint { lon: 110.90, lat: -6.65, kind: PointKind::Alert { radius_km: 5.0 } });
    points
}

pub fn week_chart(lang: Lang) -> DailyChart {
    let days: Vec<String> = (28..=30).map(|d| format!("{d}/11")).chain((1..=4).map(|d| format!("{d}/12"))).collect();
    let categories = [
        "Pelanggaran alat peraga",
        "Konflik antarpendukung",
        "Politik uang",
        "Gangguan kamtibmas",
        "Bencana alam",
        "Hoaks / ujaran kebencian",
        "Perusakan logistik",
        "Lain-lain",
    ];
    DailyChart {
        lang,
        title: "Insiden per hari menurut kategori".into(),
        series: categories
            .iter()
            .enumerate()
            .map(|(c, name)| ((*name).into(), (0..days.len()).map(|d| ((c * 3 + d * 5) % 7) as u32).collect()))
            .collect(),
        days,
    }
}

fn sitrep_sections() -> Vec<Section> {
    vec![
        Section {
            title: "Situasi wilayah".into(),
            paragraphs: vec!["Situasi kamtibmas di wilayah hukum Polres Jepara selama periode laporan secara umum aman dan terkendali. Kegiatan kampanye terbuka berlangsung di 4 kecamatan dengan pengamanan 220 personel gabungan.".into()],
            table: None,
        },
        Section {
            title: "Kerawanan TPS".into(),
            paragraphs: vec!["Sebaran TPS menurut tingkat kerawanan per kecamatan:".into()],
            table: Some(Table {
                columns: vec!["Kecamatan".into(), "TPS".into(), "Sangat rawan".into(), "Rawan".into(), "Indeks".into()],
                rows: JEPARA_DISTRICTS
                    .iter()
                    .enumerate()
                    .map(|(i, d)| {
                        vec![(*d).into(), (90 + i * 7).to_string(), (i % 5).to_string(), (i * 3 % 11).to_string(), format!("0,{}", 20 + i * 4)]
                    })
                    .collect(),
                numeric: vec![false, true, true, true, true],
            }),
        },
        Section {
            title: "Insiden menonjol".into(),
            paragraphs: vec![
                "Rabu, 4 Desember 2026 pukul 21.30 WIB terjadi perusakan alat peraga kampanye di Desa Bangsri, Kecamatan Bangsri. Pelaku telah diamankan Polsek Bangsri dan perkara ditangani bersama Gakkumdu.".into(),
            ],
            table: None,
        },
        Section {
            title: "Peringatan dini".into(),
            paragraphs: vec!["Dua peringatan dini aktif: potensi pengerahan massa di Kecamatan Tahunan (radius 3 km) dan cuaca buruk di perairan Karimunjawa (radius 5 km).".into()],
            table: None,
        },
    ]
}

pub fn regency_sitrep(lang: Lang, vertices: usize, incidents: usize) -> Sitrep {
    Sitrep {
        lang,
        letterhead: letterhead(),
        classification: Some("RAHASIA".into()),
        number: "R/LAPSIT/338/XII/2026".into(),
        title: "Laporan Situasi Harian".into(),
        area: "Kabupaten Jepara (16 kecamatan, 2.147 TPS)".into(),
        period: "Rabu, 4 Desember 2026 pukul 06.00 WIB s.d. Kamis, 5 Desember 2026 pukul 06.00 WIB".into(),
        place_and_date: "Jepara, 5 Desember 2026".into(),
        stage: Some("Tahapan: Kampanye (H-12)".into()),
        key_figures: vec![
            ("TPS".into(), "2.147".into()),
            ("DPT".into(), "912.384".into()),
            ("Insiden (24 jam)".into(), "14".into()),
            ("Peringatan aktif".into(), "2".into()),
            ("Personel gabungan".into(), "1.260".into()),
            ("TPS sangat rawan".into(), "38".into()),
        ],
        sections: sitrep_sections(),
        map: Some(MapData {
            title: "Peta kerawanan dan insiden Kabupaten Jepara".into(),
            areas: districts(vertices),
            points: incident_points(incidents),
            legend: MapLegend::new(lang),
        }),
        chart: Some(week_chart(lang)),
        signatory: Some(kapolres()),
    }
}

const CENTRAL_JAVA: [(&str, f64, f64); 35] = [
    ("Cilacap", 108.95, -7.55),
    ("Banyumas", 109.20, -7.45),
    ("Purbalingga", 109.37, -7.30),
    ("Banjarnegara", 109.62, -7.35),
    ("Kebumen", 109.60, -7.63),
    ("Purworejo", 110.00, -7.70),
    ("Wonosobo", 109.90, -7.36),
    ("Magelang", 110.22, -7.50),
    ("Boyolali", 110.60, -7.42),
    ("Klaten", 110.60, -7.70),
    ("Sukoharjo", 110.83, -7.68),
    ("Wonogiri", 110.93, -7.90),
    ("Karanganyar", 111.05, -7.60),
    ("Sragen", 110.98, -7.42),
    ("Grobogan", 110.92, -7.10),
    ("Blora", 111.40, -7.05),
    ("Rembang", 111.45, -6.78),
    ("Pati", 111.05, -6.75),
    ("Kudus", 110.85, -6.80),
    ("Jepara", 110.75, -6.58),
    ("Demak", 110.63, -6.90),
    ("Semarang", 110.43, -7.20),
    ("Temanggung", 110.17, -7.30),
    ("Kendal", 110.17, -7.00),
    ("Batang", 109.85, -7.00),
    ("Pekalongan", 109.60, -7.03),
    ("Pemalang", 109.40, -7.00),
    ("Tegal", 109.15, -7.00),
    ("Brebes", 108.95, -7.05),
    ("Kota Magelang", 110.22, -7.47),
    ("Kota Surakarta", 110.82, -7.57),
    ("Kota Salatiga", 110.50, -7.33),
    ("Kota Semarang", 110.42, -7.00),
    ("Kota Pekalongan", 109.68, -6.89),
    ("Kota Tegal", 109.13, -6.87),
];

pub fn province_sitrep(lang: Lang) -> Sitrep {
    let areas = CENTRAL_JAVA
        .iter()
        .enumerate()
        .map(|(i, (name, lon, lat))| MapArea {
            name: (*name).into(),
            rings: vec![],
            centroid: Some((*lon, *lat)),
            shade: Some(((i * 7) % 35) as f64 / 35.0),
            label: !name.starts_with("Kota"),
        })
        .collect();
    let mut rng = Rng(7);
    let points = (0..120)
        .map(|i| MapPoint {
            lon: 109.0 + rng.next() * 2.4,
            lat: -6.7 - rng.next() * 1.2,
            kind: PointKind::Incident { severity: (1 + i % 4) as u8 },
        })
        .collect();
    let mut doc = regency_sitrep(lang, 10, 0);
    doc.letterhead = Letterhead {
        parent: vec!["Kepolisian Negara Republik Indonesia".into()],
        unit: "Daerah Jawa Tengah".into(),
        address: Some("Jalan Pahlawan Nomor 1, Semarang 50243".into()),
    };
    doc.number = "R/LAPSIT/92/XII/2026/Roops".into();
    doc.area = "Provinsi Jawa Tengah (35 kabupaten/kota)".into();
    doc.map = Some(MapData {
        title: "Peta kerawanan Provinsi Jawa Tengah (titik pusat kabupaten/kota)".into(),
        areas,
        points,
        legend: MapLegend::new(lang),
    });
    let mut chart = week_chart(lang);
    chart.days = (1..=31).map(|d| format!("{d}/11")).collect();
    for (c, (_, counts)) in chart.series.iter_mut().enumerate() {
        *counts = (0..31).map(|d| ((c * 5 + d * 3) % 9) as u32).collect();
    }
    doc.chart = Some(chart);
    doc.sections.truncate(1);
    doc
}
