//! `sinergi meeting …` and `sinergi calendar …`: the coordination meetings and the election calendar, for the
//! operator who scripts them (docs/coordination.md). Every command goes through the server's coordination service,
//! as the API does, acting as the command line (an administrator of the whole nation: whoever runs it can read the
//! database file anyway), and every change is audited as `cli`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use sinergi_domain::RegionCode;
use sinergi_domain::access::Viewer;
use sinergi_domain::coordination::calendar::{Calendar, from_ics};
use sinergi_domain::coordination::follow_up::ItemState;
use sinergi_domain::coordination::meeting::{MeetingFields, MeetingStatus};
use sinergi_domain::i18n::Lang;
use sinergi_server::coordination::calendar::{self, Source};
use sinergi_server::coordination::documents::{self, Document};
use sinergi_server::coordination::service::{self, Actor, CoordinationError};
use sinergi_store::{ItemFilter, MeetingFilter, Page, Store};

/// Exit status for input refused: faults in what was given.
const REFUSED: u8 = 2;

#[derive(clap::Subcommand, Debug)]
pub enum MeetingWhat {
    /// The meetings, latest first
    List {
        /// Only those held for this region or inside it
        #[arg(long)]
        region: Option<String>,
        /// planned, in_progress, done or cancelled
        #[arg(long)]
        status: Option<String>,
    },
    /// Convene a meeting; prints its id
    Create {
        #[arg(long)]
        title: String,
        #[arg(long)]
        theme: Option<String>,
        /// The province, regency or district it is held for
        #[arg(long)]
        region: String,
        /// The convening unit's code, e.g. polres-33.20
        #[arg(long)]
        unit: String,
        /// Start, YYYY-MM-DD HH:MM (WIB)
        #[arg(long)]
        start: String,
        /// End, YYYY-MM-DD HH:MM (WIB)
        #[arg(long)]
        end: String,
        #[arg(long)]
        place: Option<String>,
        #[arg(long)]
        online_link: Option<String>,
        /// biasa, terbatas or rahasia
        #[arg(long)]
        classification: Option<String>,
        /// A unit to invite (repeat)
        #[arg(long = "invite")]
        invite: Vec<String>,
    },
    /// A meeting's document as PDF: undangan, daftar-hadir or notulen
    Document {
        id: i64,
        #[arg(long)]
        kind: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Action items across meetings, nearest deadline first
    Items {
        /// open, in_progress, done, overdue or dropped (as seen today)
        #[arg(long)]
        state: Option<String>,
        #[arg(long)]
        forum: Option<String>,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum CalendarWhat {
    /// The calendar in force for a region today: the stage, the next one, the days to voting day
    Show {
        #[arg(long)]
        region: Option<String>,
    },
    /// The calendar in force for a region as iCalendar
    Export {
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Check a calendar file (TOML) or an iCalendar file: every fault with its place (exit status 2)
    Check { file: PathBuf },
    /// Load a region's own calendar: a calendar file (TOML), or an iCalendar file (.ics) whose dates are taken into
    /// the calendar in force there
    Load {
        file: PathBuf,
        #[arg(long)]
        region: String,
        /// Why it changes (kept with the version and in the audit log)
        #[arg(long)]
        reason: String,
    },
}

fn actor(viewer: &Viewer) -> Actor<'_> {
    Actor { viewer, name: crate::trust::audit::cli_actor(), origin: "cli" }
}

fn region(text: &str) -> anyhow::Result<RegionCode> {
    RegionCode::parse(text.trim()).map_err(|e| anyhow::anyhow!("--region {text}: {}", e.message(Lang::En)))
}

/// Prints what the service refused, each fault with its field, and gives the exit status.
fn refused(e: CoordinationError, lang: Lang) -> anyhow::Result<ExitCode> {
    match e {
        CoordinationError::Invalid(faults) => {
            for (field, problem) in faults {
                eprintln!("{field}: {}", problem.message(lang));
            }
            Ok(ExitCode::from(REFUSED))
        }
        CoordinationError::Store(e) => Err(e.into()),
        other => {
            let body = sinergi_server::error::ApiError::from(other).body(lang);
            eprintln!("{}", body.message);
            Ok(ExitCode::from(REFUSED))
        }
    }
}

pub async fn meeting(store: &dyn Store, what: MeetingWhat, lang: Lang) -> anyhow::Result<ExitCode> {
    let viewer = Viewer::system("cli");
    match what {
        MeetingWhat::List { region: within, status } => {
            let status = match status.as_deref() {
                None => None,
                Some(s) => Some(
                    MeetingStatus::parse(s)
                        .with_context(|| format!("--status {s}: planned, in_progress, done or cancelled"))?,
                ),
            };
            let within = within.as_deref().map(region).transpose()?;
            let filter = MeetingFilter { within, status, ..Default::default() };
            let (list, total) = store.meetings(&viewer, &filter, Page::new(1, 1000)).await?;
            for r in &list {
                let t = sinergi_server::coordination::views::turnout(r);
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}/{}",
                    r.id,
                    sinergi_domain::coordination::meeting::wib_day(r.meeting.head.starts_at_ms)
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    r.meeting.status.label(lang),
                    r.meeting.head.title,
                    r.convener.name,
                    t.units_attended,
                    t.units_invited
                );
            }
            eprintln!("{total}");
            Ok(ExitCode::SUCCESS)
        }
        MeetingWhat::Create {
            title,
            theme,
            region: r,
            unit,
            start,
            end,
            place,
            online_link,
            classification,
            invite,
        } => {
            let fields = MeetingFields {
                title,
                theme,
                region: r,
                convening_unit: unit,
                forum: None,
                place,
                online_link,
                starts_at: start,
                ends_at: end,
                classification,
            };
            match service::create(store, &actor(&viewer), &fields, &invite).await {
                Ok(id) => {
                    println!("{id}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => refused(e, lang),
            }
        }
        MeetingWhat::Document { id, kind, out } => {
            let kind =
                Document::parse(&kind).with_context(|| format!("--kind {kind}: undangan, daftar-hadir or notulen"))?;
            let view = match service::meeting(store, &viewer, id).await {
                Ok(view) => view,
                Err(e) => return refused(e, lang),
            };
            let bytes = documents::render(store, &view, kind, lang).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
            std::fs::write(&out, bytes).with_context(|| format!("cannot write {}", out.display()))?;
            Ok(ExitCode::SUCCESS)
        }
        MeetingWhat::Items { state, forum } => {
            let state = match state.as_deref() {
                None => None,
                Some(s) => Some(
                    ItemState::parse(s)
                        .with_context(|| format!("--state {s}: open, in_progress, done, overdue or dropped"))?,
                ),
            };
            let today = calendar::today();
            let filter = ItemFilter { state, forum, today: Some(today), ..Default::default() };
            let (items, _) = store.items(&viewer, &filter, Page::new(1, 1000)).await?;
            for i in &items {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    i.id,
                    i.deadline,
                    i.state(today).label(lang),
                    i.owner.name,
                    i.task.replace('\n', " "),
                    i.meeting_title
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn read(file: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))
}

fn is_ics(file: &Path) -> bool {
    file.extension().is_some_and(|e| e.eq_ignore_ascii_case("ics"))
}

pub async fn calendar(database: &str, what: CalendarWhat, lang: Lang) -> anyhow::Result<ExitCode> {
    if let CalendarWhat::Check { file } = &what {
        let text = read(file)?;
        let faults: Vec<String> = if is_ics(file) {
            match from_ics(&text) {
                Ok(events) => match Calendar::shipped().apply_ics(&events) {
                    Ok(_) => Vec::new(),
                    Err(sinergi_domain::coordination::calendar::ImportFaults::Events(f)) => {
                        f.into_iter().map(|(place, p)| format!("{place}: {}", p.message(lang))).collect()
                    }
                    Err(sinergi_domain::coordination::calendar::ImportFaults::Calendar(f)) => {
                        f.into_iter().map(|e| format!("{}: {}", e.path(), e.message(lang))).collect()
                    }
                },
                Err(errors) => errors.into_iter().map(|e| e.message(lang)).collect(),
            }
        } else {
            match Calendar::from_toml(&text) {
                Ok(_) => Vec::new(),
                Err(errors) => errors.into_iter().map(|e| format!("{}: {}", e.path(), e.message(lang))).collect(),
            }
        };
        for f in &faults {
            eprintln!("{}: {f}", file.display());
        }
        return Ok(if faults.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(REFUSED) });
    }
    let store = sinergi_store::connect(database).await?;
    let viewer = Viewer::system("cli");
    match what {
        CalendarWhat::Check { .. } => Ok(ExitCode::SUCCESS),
        CalendarWhat::Show { region: r } => {
            let r = r.as_deref().map(region).transpose()?;
            let in_force = calendar::in_force(&*store, r.as_ref()).await?;
            println!("{}", calendar::banner(&in_force.calendar, calendar::today(), lang));
            for e in &in_force.calendar.entries {
                println!("{}\t{}\t{}\t{}", e.kind.as_str(), e.start, e.end, e.label.get(lang));
            }
            Ok(ExitCode::SUCCESS)
        }
        CalendarWhat::Export { region: r, out } => {
            let r = r.as_deref().map(region).transpose()?;
            let in_force = calendar::in_force(&*store, r.as_ref()).await?;
            let stamp = in_force.version.as_ref().map_or(0, |v| v.loaded_at_ms);
            std::fs::write(&out, in_force.calendar.to_ics(lang, stamp))
                .with_context(|| format!("cannot write {}", out.display()))?;
            Ok(ExitCode::SUCCESS)
        }
        CalendarWhat::Load { file, region: r, reason } => {
            let r = region(&r)?;
            let text = read(&file)?;
            let source = if is_ics(&file) { Source::Ics(&text) } else { Source::Toml(&text) };
            match calendar::load(&*store, &actor(&viewer), &r, source, &reason).await {
                Ok(version) => {
                    println!("{}", version.id);
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    let body = sinergi_server::error::ApiError::from(e).body(lang);
                    eprintln!("{}", body.message);
                    for f in body.fields {
                        eprintln!("{}: {}", f.field, f.message);
                    }
                    Ok(ExitCode::from(REFUSED))
                }
            }
        }
    }
}

/// The demo's forum (synthetic, like its TPS): the rakor of the Jepara regency — two held, three weeks and one
/// week ago, with attendance, briefings, minutes, decisions and their action items (some done, some overdue), and
/// one planned next week, whose page shows the follow-up of the second. Written once: a database that has meetings
/// keeps them.
pub async fn seed_demo_forum(store: &dyn Store, lang: Lang) -> anyhow::Result<()> {
    use sinergi_domain::coordination::follow_up::{ItemStatus, ItemUpdate};
    use sinergi_domain::coordination::meeting::{
        AgendaItem, Attendance, Briefing, Decision, Meeting, MeetingHead, WalkIn, wib_day,
    };
    use sinergi_domain::trust::auth::Classification;
    use sinergi_store::{MeetingUnit, MeetingWrite, NewItem};

    let viewer = Viewer::system("cli");
    let regency = region("33.20")?;
    let (_, existing) = store
        .meetings(&viewer, &MeetingFilter { within: Some(regency.clone()), ..Default::default() }, Page::new(1, 1))
        .await?;
    if existing > 0 {
        return Ok(());
    }
    let codes = [
        "polres-33.20",
        "kodim-33.20",
        "kpu-kabupaten-33.20",
        "bawaslu-kabupaten-33.20",
        "kesbangpol-33.20",
        "kejari-33.20",
        "pengadilan-negeri-33.20",
        "pln-up3-33.20",
        "telkom-witel-33.20",
        "satpol-pp-33.20",
    ];
    let mut units = Vec::new();
    for code in codes {
        let unit = store.unit(&viewer, code).await?.with_context(|| format!("demo unit {code} is missing"))?;
        units.push(MeetingUnit {
            agency: unit.kind.agency(),
            code: unit.code,
            name: unit.name,
            territory: unit.territory,
        });
    }
    let unit = |code: &str| units.iter().find(|u| u.code == code).cloned();
    let now = crate::trust::audit::now_ms();
    let today = wib_day(now).context("today")?;
    let day_ms =
        |offset: i64, hour: i64| -> i64 { (today.days_since_epoch() + offset) * 86_400_000 + (hour - 7) * 3_600_000 };
    let date = |offset: i64| today.plus_days(offset).unwrap_or(today);
    let event = |action: &str, detail: String| crate::trust::audit::cli_event(action, "-", detail);
    let head = |title: &str, theme: &str, offset: i64| MeetingHead {
        title: title.to_owned(),
        theme: Some(theme.to_owned()),
        region: regency.clone(),
        convening_unit: "polres-33.20".to_owned(),
        forum: "rakor-33-20".to_owned(),
        place: Some("Aula Bhayangkara Polres Jepara, Jl. Kartini No. 1".to_owned()),
        online_link: None,
        starts_at_ms: day_ms(offset, 9),
        ends_at_ms: day_ms(offset, 12),
        classification: Classification::Biasa,
    };
    // The demo's calendar: the Pilkada 2024 schedule moved so that voting day falls ten days from today, so that every
    // page counts down to something (synthetic, and labelled so).
    let mut demo_calendar = sinergi_domain::coordination::calendar::Calendar::shipped();
    let shift = demo_calendar.voting_day.days_until(date(10));
    demo_calendar.id = "demo_pilkada_jepara".into();
    demo_calendar.label.id = "Pilkada Jepara (demo: jadwal Pilkada 2024 digeser)".into();
    demo_calendar.label.en = "Jepara regional election (demo: the 2024 schedule shifted)".into();
    demo_calendar.voting_day = date(10);
    for e in &mut demo_calendar.entries {
        e.start = e.start.plus_days(shift).unwrap_or(e.start);
        e.end = e.end.plus_days(shift).unwrap_or(e.end);
    }
    let version = sinergi_store::NewCalendarVersion {
        region: regency.clone(),
        calendar_id: demo_calendar.id.clone(),
        definition: demo_calendar.to_toml(
            "Sinergi's demo calendar (synthetic): the stages of Pilkada Serentak 2024 (PKPU 2/2024; sources in the\n\
             shipped calendars/pilkada-2024.toml) moved so that voting day falls ten days after the demo was made.",
        ),
        loaded_by: "demo".into(),
        loaded_at_ms: now,
        reason: "demo".into(),
    };
    store.add_calendar_version(&version, &event("calendar.load", "demo calendar".into())).await?;

    let invited: Vec<String> = codes.iter().skip(1).map(|c| (*c).to_owned()).collect();
    let people = [
        ("polres-33.20", "AKBP Wiratama Putra", "Kapolres Jepara"),
        ("kodim-33.20", "Letkol Inf. Hartono", "Dandim 0719/Jepara"),
        ("kpu-kabupaten-33.20", "Dra. Siti Maryam", "Ketua KPU Kabupaten Jepara"),
        ("bawaslu-kabupaten-33.20", "Ahmad Fauzi, S.H.", "Ketua Bawaslu Kabupaten Jepara"),
        ("kesbangpol-33.20", "Drs. Bambang Sutrisno", "Kepala Kesbangpol"),
        ("kejari-33.20", "Rina Kartika, S.H., M.H.", "Kasi Intel Kejari Jepara"),
        ("pln-up3-33.20", "Joko Santoso", "Manajer UP3 Kudus (ULP Jepara)"),
        ("telkom-witel-33.20", "Dewi Lestari", "Manajer Witel Kudus"),
        ("satpol-pp-33.20", "Slamet Riyadi", "Kasatpol PP"),
    ];
    let fill = |m: &mut Meeting, absent: &[&str], represented: &[&str]| {
        for invitee in &mut m.invitees {
            if absent.contains(&invitee.unit.as_str()) {
                invitee.attendance = Attendance::Absent;
                continue;
            }
            if let Some((_, name, position)) = people.iter().find(|(u, _, _)| *u == invitee.unit) {
                let by_proxy = represented.contains(&invitee.unit.as_str());
                invitee.attendance = if by_proxy { Attendance::Represented } else { Attendance::Present };
                invitee.name = Some(if by_proxy { format!("Wakil dari {name}") } else { (*name).to_owned() });
                invitee.position = Some((*position).to_owned());
                invitee.recorded_at_ms = Some(m.head.starts_at_ms);
            }
        }
    };
    let agenda = |items: &[(&str, &str, &str)]| -> Vec<AgendaItem> {
        items
            .iter()
            .map(|(time, title, presenter)| AgendaItem {
                title: (*title).to_owned(),
                presenter: (!presenter.is_empty()).then(|| (*presenter).to_owned()),
                time: Some((*time).to_owned()),
            })
            .collect()
    };
    let briefing = |unit: &str, text: &str, at: i64| Briefing {
        unit: unit.to_owned(),
        text: text.to_owned(),
        updated_at_ms: at,
        updated_by: "demo.polri".to_owned(),
    };
    let item = |decision: u32, owner: &str, task: &str, deadline: i64| -> anyhow::Result<NewItem> {
        Ok(NewItem {
            decision_number: decision,
            owner: unit(owner).with_context(|| owner.to_owned())?,
            task: task.to_owned(),
            deadline: date(deadline),
        })
    };

    // The first rakor, three weeks ago.
    let mut first = Meeting::new(
        head(
            "Rapat Koordinasi Lintas Sektoral Pengamanan Pilkada Kabupaten Jepara",
            "kesiapan pengamanan tahapan kampanye",
            -21,
        ),
        &invited,
    );
    fill(&mut first, &["pengadilan-negeri-33.20"], &["telkom-witel-33.20"]);
    first.status = MeetingStatus::Done;
    first.agenda = agenda(&[
        ("09:00", "Pembukaan dan arahan Kapolres", "polres-33.20"),
        ("09:20", "Paparan tahapan dan logistik", "kpu-kabupaten-33.20"),
        ("09:50", "Paparan pemetaan kerawanan TPS", "bawaslu-kabupaten-33.20"),
        ("10:20", "Paparan dukungan pengamanan", "kodim-33.20"),
        ("10:45", "Diskusi dan kesepakatan", ""),
    ]);
    first.briefings = vec![
        briefing(
            "kpu-kabupaten-33.20",
            "Distribusi logistik ke 16 PPK dijadwalkan H-5. Gudang KPU di Tahunan dijaga 24 jam. Masih ada 3 desa di Karimunjawa yang dijangkau dengan kapal; jadwal kapal bergantung cuaca.",
            first.head.starts_at_ms,
        ),
        briefing(
            "bawaslu-kabupaten-33.20",
            "Pemetaan kerawanan: 42 TPS rawan, 9 sangat rawan (konflik pendukung di Kecamatan Kedung dan Mayong, akses sulit di Karimunjawa). Pengawas TPS telah dilatih.",
            first.head.starts_at_ms,
        ),
        briefing(
            "kodim-33.20",
            "Kodim menyiapkan 2 SSK untuk BKO pengamanan dan patroli gabungan. Babinsa di setiap desa siap mendukung Bhabinkamtibmas.",
            first.head.starts_at_ms,
        ),
    ];
    first.minutes = Some("Rapat dibuka pukul 09.00 oleh Kapolres Jepara.\n\nKPU menyampaikan jadwal distribusi logistik; Bawaslu memaparkan 9 TPS sangat rawan. Forum sepakat menambah patroli di Kecamatan Kedung dan Mayong dan memastikan pasokan listrik di gudang logistik.\n\nRapat ditutup pukul 11.50.".to_owned());
    first.chair = Some("AKBP Wiratama Putra".to_owned());
    first.secretary = Some("Ipda Sari Rahmawati".to_owned());
    first.walk_ins = vec![WalkIn {
        name: "H. Mustofa".into(),
        position: Some("Ketua FKUB".into()),
        organisation: "Forum Kerukunan Umat Beragama Jepara".into(),
    }];
    first.decisions = vec![
        Decision { number: 1, text: "Patroli gabungan TNI-Polri di sekitar TPS sangat rawan di Kecamatan Kedung dan Mayong, dua kali seminggu sampai hari pemungutan suara.".into() },
        Decision { number: 2, text: "PLN menjamin pasokan listrik di gudang logistik KPU dan kantor PPK, dengan genset cadangan.".into() },
        Decision { number: 3, text: "Kesbangpol mengundang tokoh agama dan tokoh masyarakat untuk deklarasi pilkada damai.".into() },
    ];
    let first_items = [
        item(1, "kodim-33.20", "Menyusun jadwal patroli gabungan bersama Polres", -18)?,
        item(2, "pln-up3-33.20", "Memasang genset cadangan di gudang logistik KPU (Tahunan)", -14)?,
        item(3, "kesbangpol-33.20", "Menyelenggarakan deklarasi pilkada damai", -10)?,
    ];
    let write = MeetingWrite {
        meeting: &first,
        units: &units,
        new_items: &first_items,
        actor: "demo",
        at_ms: first.head.ends_at_ms,
    };
    let first_id = store.create_meeting(&write, &event("meeting.create", "demo forum".into())).await?;

    // The second, a week ago: the follow-up of the first, and new decisions.
    let mut second = Meeting::new(
        head(
            "Rapat Koordinasi Lintas Sektoral Pengamanan Pilkada Kabupaten Jepara",
            "kesiapan pengamanan masa tenang dan pemungutan suara",
            -7,
        ),
        &invited,
    );
    fill(&mut second, &["kejari-33.20"], &["pengadilan-negeri-33.20", "pln-up3-33.20"]);
    second.status = MeetingStatus::Done;
    second.agenda = agenda(&[
        ("09:00", "Pembukaan", "polres-33.20"),
        ("09:15", "Tindak lanjut rapat sebelumnya", "polres-33.20"),
        ("09:45", "Paparan kesiapan masa tenang", "bawaslu-kabupaten-33.20"),
        ("10:15", "Paparan jaringan komunikasi", "telkom-witel-33.20"),
        ("10:40", "Kesepakatan", ""),
    ]);
    second.briefings = vec![
        briefing(
            "bawaslu-kabupaten-33.20",
            "Masa tenang: patroli pengawasan politik uang di 16 kecamatan. Laporan dugaan pembagian sembako di Kecamatan Bangsri sedang ditelusuri.",
            second.head.starts_at_ms,
        ),
        briefing(
            "telkom-witel-33.20",
            "Jaringan di Karimunjawa bergantung pada satu BTS; Telkom menyiagakan perangkat VSAT cadangan untuk PPK Karimunjawa.",
            second.head.starts_at_ms,
        ),
    ];
    second.minutes = Some("Forum meninjau tindak lanjut rapat sebelumnya: jadwal patroli gabungan telah disusun, genset di gudang logistik terpasang; deklarasi pilkada damai belum terlaksana.\n\nDisepakati pengamanan pengiriman logistik ke Karimunjawa dan jalur komunikasi cadangan.".to_owned());
    second.chair = Some("AKBP Wiratama Putra".to_owned());
    second.secretary = Some("Ipda Sari Rahmawati".to_owned());
    second.decisions = vec![
        Decision {
            number: 1,
            text: "Pengawalan logistik ke Karimunjawa oleh Polres dan Kodim dengan kapal Polair, H-3.".into(),
        },
        Decision { number: 2, text: "Telkom menyiagakan VSAT cadangan di PPK Karimunjawa.".into() },
        Decision {
            number: 3,
            text: "KPU menyampaikan data final DPT per TPS kepada Polres untuk perencanaan personel.".into(),
        },
    ];
    let second_items = [
        item(1, "kodim-33.20", "Menyiapkan personel pengawalan logistik ke Karimunjawa", 3)?,
        item(2, "telkom-witel-33.20", "Memasang dan menguji VSAT cadangan di PPK Karimunjawa", 5)?,
        item(3, "kpu-kabupaten-33.20", "Menyerahkan data DPT final per TPS kepada Polres", -2)?,
    ];
    let write = MeetingWrite {
        meeting: &second,
        units: &units,
        new_items: &second_items,
        actor: "demo",
        at_ms: second.head.ends_at_ms,
    };
    let second_id = store.create_meeting(&write, &event("meeting.create", "demo forum".into())).await?;

    // The third, planned next week.
    let mut third = Meeting::new(
        head(
            "Rapat Koordinasi Lintas Sektoral Menjelang Pemungutan Suara",
            "kesiapan akhir pengamanan pemungutan dan penghitungan suara",
            7,
        ),
        &invited,
    );
    third.agenda = agenda(&[
        ("09:00", "Pembukaan", "polres-33.20"),
        ("09:15", "Tindak lanjut rapat sebelumnya", "polres-33.20"),
        ("09:45", "Kesiapan logistik dan TPS", "kpu-kabupaten-33.20"),
        ("10:15", "Rencana pengamanan TPS", "polres-33.20"),
    ]);
    let write = MeetingWrite { meeting: &third, units: &units, new_items: &[], actor: "demo", at_ms: now };
    store.create_meeting(&write, &event("meeting.create", "demo forum".into())).await?;

    // The follow-up so far: two of the first meeting's items done, one overdue; of the second, one in progress,
    // one open, one overdue.
    let (items, _) = store.items(&viewer, &ItemFilter::default(), Page::new(1, 100)).await?;
    for i in &items {
        let update = match (i.meeting_id, i.decision_number) {
            (id, 1) if id == first_id => Some(ItemUpdate {
                status: ItemStatus::Done,
                note: Some(
                    "Jadwal patroli gabungan ditandatangani Kapolres dan Dandim; patroli berjalan Selasa dan Jumat."
                        .into(),
                ),
            }),
            (id, 2) if id == first_id => Some(ItemUpdate {
                status: ItemStatus::Done,
                note: Some("Genset 20 kVA terpasang dan diuji di gudang logistik KPU Tahunan.".into()),
            }),
            (id, 1) if id == second_id => Some(ItemUpdate {
                status: ItemStatus::InProgress,
                note: Some("Personel dari Koramil Karimunjawa dan Polair sudah ditunjuk.".into()),
            }),
            _ => None,
        };
        if let Some(update) = update {
            let by = i.owner.name.clone();
            store
                .update_item(
                    i.id,
                    ItemStatus::Open,
                    &update,
                    &by,
                    now,
                    &event("action_item.update", "demo forum".into()),
                )
                .await?;
        }
    }

    println!("{}", lang.format(sinergi_domain::i18n::Msg::DemoForum, &[("meetings", &3), ("items", &items.len())]));
    Ok(())
}

#[derive(clap::Subcommand, Debug)]
pub enum ReportWhat {
    /// The situation report of an area for a day or a week, as PDF (map, charts, classification mark)
    Sitrep {
        /// The province, regency or district
        #[arg(long)]
        region: String,
        /// The report's day, YYYY-MM-DD [default: today, WIB]
        #[arg(long)]
        date: Option<String>,
        /// 24h (the day) or 7d (the week ending with it)
        #[arg(long, default_value = "24h")]
        period: String,
        /// The issuing unit, whose letterhead the report carries (e.g. polres-33.20)
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        out: PathBuf,
    },
}

pub async fn report(store: &dyn Store, what: ReportWhat, lang: Lang) -> anyhow::Result<ExitCode> {
    use sinergi_server::coordination::sitrep::{self, Period, SitrepError};
    let ReportWhat::Sitrep { region: r, date, period, unit, out } = what;
    let r = region(&r)?;
    let day = match date.as_deref() {
        None => calendar::today(),
        Some(d) => sinergi_domain::coordination::calendar::Date::parse(d.trim())
            .with_context(|| format!("--date {d}: a date YYYY-MM-DD"))?,
    };
    let period = Period::parse(&period).with_context(|| format!("--period {period}: 24h or 7d"))?;
    let viewer = Viewer::system("cli");
    let issuer = match unit.as_deref() {
        None => None,
        Some(code) => Some(sitrep::issuer(store, code).await?.with_context(|| format!("--unit {code}: no such unit"))?),
    };
    let report = match sitrep::build(store, &viewer, &r, day, period, lang, issuer.as_ref()).await {
        Ok(report) => report,
        Err(SitrepError::OutOfScope(code)) => {
            eprintln!(
                "--region {code}: {}",
                lang.format(sinergi_domain::i18n::Msg::ErrRegionNotFound, &[("code", &code)])
            );
            return Ok(ExitCode::from(REFUSED));
        }
        Err(e) => return Err(anyhow::anyhow!("{e:?}")),
    };
    let bytes = sitrep::pdf(report).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    std::fs::write(&out, bytes).with_context(|| format!("cannot write {}", out.display()))?;
    Ok(ExitCode::SUCCESS)
}
