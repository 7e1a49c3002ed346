//! Coordination in storage: meetings written whole with a version, who sees which meeting in a list, action items
//! with overdue judged on a day, their moves, and files kept byte for byte.

use sinergi_domain::coordination::calendar::Date;
use sinergi_domain::coordination::follow_up::{ItemState, ItemStatus, ItemUpdate};
use sinergi_domain::coordination::meeting::{Decision, Meeting, MeetingHead, MeetingStatus};
use sinergi_domain::registry::agency::Contact;
use sinergi_domain::trust::auth::{Classification, Role};
use sinergi_domain::{AgencyKind, Unit, UnitKind};
use sinergi_store::testing::TestDb;
use sinergi_store::{ItemFilter, MeetingFilter, MeetingUnit, MeetingWrite, NewAttachment, NewItem, Page};

use crate::helpers::{code, event, seed_regions, viewer};

fn unit(kind: UnitKind, t: &str) -> Unit {
    Unit {
        code: Unit::conventional_code(kind, &code(t)),
        kind,
        name: format!("{} {t}", kind.title()),
        territory: code(t),
        parent: None,
        contact: Contact::default(),
        personnel: 1,
    }
}

fn meeting_unit(kind: UnitKind, t: &str) -> MeetingUnit {
    let u = unit(kind, t);
    MeetingUnit { code: u.code, name: u.name, agency: kind.agency(), territory: u.territory }
}

async fn seed(db: &TestDb) {
    seed_regions(db, &["15", "15.07", "15.07.01", "15.08"]).await;
    let units = [
        unit(UnitKind::Polres, "15.07"),
        unit(UnitKind::Kodim, "15.07"),
        unit(UnitKind::PlnUp3, "15.07"),
        unit(UnitKind::Polsek, "15.07.01"),
        unit(UnitKind::Polres, "15.08"),
    ];
    db.store.upsert_units(&units).await.unwrap();
}

fn head(region: &str, convener: &str, starts_at_ms: i64, classification: Classification) -> MeetingHead {
    MeetingHead {
        title: format!("Rakor {region}"),
        theme: None,
        region: code(region),
        convening_unit: convener.into(),
        forum: format!("rakor-{}", region.replace('.', "-")),
        place: Some("Aula".into()),
        online_link: None,
        starts_at_ms,
        ends_at_ms: starts_at_ms + 3 * 3_600_000,
        classification,
    }
}

const DAY: i64 = 86_400_000;
/// 2026-12-10 02:00 UTC, 09:00 WIB.
const T0: i64 = 1_796_868_000_000;

async fn create(db: &TestDb, meeting: &Meeting, units: &[MeetingUnit], items: &[NewItem]) -> i64 {
    let write = MeetingWrite { meeting, units, new_items: items, actor: "op", at_ms: T0 };
    db.store.create_meeting(&write, &event("meeting.create")).await.unwrap()
}

async fn meetings_are_written_whole_with_a_version(db: &TestDb) {
    seed(db).await;
    let polres = meeting_unit(UnitKind::Polres, "15.07");
    let kodim = meeting_unit(UnitKind::Kodim, "15.07");
    let mut meeting =
        Meeting::new(head("15.07", &polres.code, T0, Classification::Biasa), std::slice::from_ref(&kodim.code));
    let id = create(db, &meeting, &[polres.clone(), kodim.clone()], &[]).await;
    let record = db.store.meeting_record(id).await.unwrap().unwrap();
    assert_eq!(record.meeting, meeting);
    assert_eq!(record.version, 1);
    assert_eq!(record.convener, polres);
    assert_eq!(record.units, [polres.clone(), kodim.clone()]);

    // A decision with an item, written on version 1; a second write on version 1 finds it taken.
    meeting.decisions.push(Decision { number: 1, text: "Patroli gabungan".into() });
    meeting.status = MeetingStatus::Done;
    let items = [NewItem {
        decision_number: 1,
        owner: kodim.clone(),
        task: "Siapkan 2 SSK".into(),
        deadline: Date::new(2026, 12, 15).unwrap(),
    }];
    let units = [polres.clone(), kodim.clone()];
    let write = MeetingWrite { meeting: &meeting, units: &units, new_items: &items, actor: "op", at_ms: T0 + DAY };
    assert_eq!(db.store.save_meeting(id, 1, &write, &event("meeting.decide")).await.unwrap(), Some(2));
    assert_eq!(db.store.save_meeting(id, 1, &write, &event("meeting.decide")).await.unwrap(), None);
    let record = db.store.meeting_record(id).await.unwrap().unwrap();
    assert_eq!((record.version, record.meeting.status), (2, MeetingStatus::Done));
    let (items, total) =
        db.store.items(&crate::helpers::all(), &ItemFilter::default(), Page::new(1, 100)).await.unwrap();
    assert_eq!(total, 1, "the refused write added no second item");
    assert_eq!(items[0].owner, kodim);
    assert_eq!(items[0].meeting_title, "Rakor 15.07");
    assert!(db.store.meeting_record(id + 100).await.unwrap().is_none());
}

async fn lists_show_each_viewer_its_meetings(db: &TestDb) {
    seed(db).await;
    let polres = meeting_unit(UnitKind::Polres, "15.07");
    let pln = meeting_unit(UnitKind::PlnUp3, "15.07");
    let polsek = meeting_unit(UnitKind::Polsek, "15.07.01");
    let other = meeting_unit(UnitKind::Polres, "15.08");
    let open = Meeting::new(head("15.07", &polres.code, T0, Classification::Biasa), std::slice::from_ref(&pln.code));
    let open_id = create(db, &open, &[polres.clone(), pln.clone()], &[]).await;
    let secret = Meeting::new(
        head("15.07", &polres.code, T0 + DAY, Classification::Rahasia),
        std::slice::from_ref(&polsek.code),
    );
    let secret_id = create(db, &secret, &[polres.clone(), polsek.clone()], &[]).await;
    let elsewhere = Meeting::new(head("15.08", &other.code, T0, Classification::Biasa), &[]);
    let elsewhere_id = create(db, &elsewhere, std::slice::from_ref(&other), &[]).await;

    let ids = |v: &sinergi_domain::access::Viewer, filter: MeetingFilter| {
        let v = v.clone();
        async move {
            let (list, total) = db.store.meetings(&v, &filter, Page::new(1, 100)).await.unwrap();
            assert_eq!(total as usize, list.len());
            list.into_iter().map(|m| m.id).collect::<Vec<_>>()
        }
    };
    use Classification::*;
    let observer = viewer(Role::Observer, AgencyKind::Pemda, Some("15.07"), Biasa);
    assert_eq!(ids(&observer, MeetingFilter::default()).await, [open_id]);
    let commander = viewer(Role::Commander, AgencyKind::Polri, Some("15.07"), Rahasia);
    assert_eq!(ids(&commander, MeetingFilter::default()).await, [secret_id, open_id], "latest first");
    // The Polsek's operator does not cover the regency but is invited to the secret one.
    let polsek_op = viewer(Role::Operator, AgencyKind::Polri, Some("15.07.01"), Terbatas);
    assert_eq!(ids(&polsek_op, MeetingFilter::default()).await, [secret_id]);
    // PLN sees only what it is invited to.
    let pln_ext = viewer(Role::External, AgencyKind::Pln, Some("15.07"), Biasa);
    assert_eq!(ids(&pln_ext, MeetingFilter::default()).await, [open_id]);
    // A national administrator of another agency: every meeting within clearance, the same start by id, latest first.
    let national = viewer(Role::Administrator, AgencyKind::Pemda, None, Terbatas);
    assert_eq!(ids(&national, MeetingFilter::default()).await, [elsewhere_id, open_id]);
    // Of Polri, the chain of the invited Polsek reads the secret one too (invited: it needs to know).
    let national_polri = viewer(Role::Administrator, AgencyKind::Polri, None, Terbatas);
    assert_eq!(ids(&national_polri, MeetingFilter::default()).await, [secret_id, elsewhere_id, open_id]);
    let within = MeetingFilter { within: Some(code("15.08")), ..Default::default() };
    assert_eq!(ids(&national, within).await, [elsewhere_id]);
    let forum = MeetingFilter { forum: Some("rakor-15-07".into()), before_ms: Some(T0 + DAY), ..Default::default() };
    assert_eq!(ids(&commander, forum).await, [open_id]);
    let planned = MeetingFilter { status: Some(MeetingStatus::Done), ..Default::default() };
    assert!(ids(&commander, planned).await.is_empty());
    // The soonest first, for "the next meeting".
    let soonest = MeetingFilter { soonest_first: true, ..Default::default() };
    assert_eq!(ids(&national_polri, soonest).await, [open_id, elsewhere_id, secret_id]);
}

async fn items_are_followed_to_closure(db: &TestDb) {
    seed(db).await;
    let polres = meeting_unit(UnitKind::Polres, "15.07");
    let kodim = meeting_unit(UnitKind::Kodim, "15.07");
    let pln = meeting_unit(UnitKind::PlnUp3, "15.07");
    let mut meeting =
        Meeting::new(head("15.07", &polres.code, T0, Classification::Biasa), &[kodim.code.clone(), pln.code.clone()]);
    meeting.decisions.push(Decision { number: 1, text: "Siaga listrik dan patroli".into() });
    let d = |day| Date::new(2026, 12, day).unwrap();
    let item = |owner: &MeetingUnit, task: &str, deadline| NewItem {
        decision_number: 1,
        owner: owner.clone(),
        task: task.into(),
        deadline,
    };
    let items = [item(&kodim, "Patroli", d(12)), item(&pln, "Genset cadangan", d(20))];
    let id = create(db, &meeting, &[polres.clone(), kodim.clone(), pln.clone()], &items).await;

    let all = crate::helpers::all();
    let list = |filter: ItemFilter| {
        let all = all.clone();
        async move {
            let (items, _) = db.store.items(&all, &filter, Page::new(1, 100)).await.unwrap();
            items.into_iter().map(|i| i.task).collect::<Vec<_>>()
        }
    };
    let on = |day, state| ItemFilter { today: Some(d(day)), state: Some(state), ..Default::default() };
    assert_eq!(list(on(12, ItemState::Overdue)).await, Vec::<String>::new(), "the deadline's own day is not late");
    assert_eq!(list(on(13, ItemState::Overdue)).await, ["Patroli"]);
    assert_eq!(list(on(13, ItemState::Open)).await, ["Genset cadangan"]);
    let pln_items = ItemFilter { owner_agency: Some(AgencyKind::Pln), meeting_id: Some(id), ..Default::default() };
    assert_eq!(list(pln_items).await, ["Genset cadangan"]);
    let pln_ext = viewer(Role::External, AgencyKind::Pln, Some("15.07"), Classification::Biasa);
    let mine = ItemFilter { mine: true, ..Default::default() };
    let (pln_mine, total) = db.store.items(&pln_ext, &mine, Page::new(1, 100)).await.unwrap();
    assert_eq!((pln_mine.len(), total), (1, 1));
    assert_eq!(pln_mine[0].state(d(21)), ItemState::Overdue);

    // A move from a status the item is no longer in is refused; the one that holds is kept with its history.
    let patrol = list(ItemFilter::default()).await;
    assert_eq!(patrol, ["Patroli", "Genset cadangan"], "earliest deadline first");
    let (records, _) = db.store.items(&all, &ItemFilter::default(), Page::new(1, 100)).await.unwrap();
    let patrol_id = records[0].id;
    let done = ItemUpdate { status: ItemStatus::Done, note: Some("Foto patroli 11/12".into()) };
    assert!(db.store.update_item(patrol_id, ItemStatus::Open, &done, "kodim", T0 + DAY, &event("item")).await.unwrap());
    assert!(
        !db.store.update_item(patrol_id, ItemStatus::Open, &done, "kodim", T0 + DAY, &event("item")).await.unwrap()
    );
    let record = db.store.item(patrol_id).await.unwrap().unwrap();
    assert_eq!((record.status, record.note.as_deref()), (ItemStatus::Done, Some("Foto patroli 11/12")));
    assert_eq!(record.state(d(30)), ItemState::Done);
    let history = db.store.item_events(patrol_id).await.unwrap();
    let moves: Vec<(ItemStatus, &str)> = history.iter().map(|e| (e.status, e.actor.as_str())).collect();
    assert_eq!(moves, [(ItemStatus::Open, "op"), (ItemStatus::Done, "kodim")]);
}

async fn files_are_kept_byte_for_byte(db: &TestDb) {
    seed(db).await;
    let polres = meeting_unit(UnitKind::Polres, "15.07");
    let meeting = Meeting::new(head("15.07", &polres.code, T0, Classification::Biasa), &[]);
    let id = create(db, &meeting, std::slice::from_ref(&polres), &[]).await;
    let content: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let file = NewAttachment {
        meeting_id: id,
        unit_code: polres.code.clone(),
        item_id: None,
        file_name: "paparan-kapolres.pdf".into(),
        media_type: "application/pdf".into(),
        sha256: "ab".repeat(32),
        classification: Classification::Terbatas,
        content: content.clone(),
        uploaded_by: "op".into(),
        at_ms: T0,
    };
    let file_id = db.store.add_attachment(&file, &event("attachment.add")).await.unwrap();
    let listed = db.store.attachments(id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].size, listed[0].classification), (70_000, Classification::Terbatas));
    let (meta, bytes) = db.store.attachment(file_id).await.unwrap().unwrap();
    assert_eq!(meta, listed[0]);
    assert_eq!(bytes, content);
    assert!(db.store.attachment(file_id + 1).await.unwrap().is_none());
    // Every write above left its entry in the audit chain.
    let targets: Vec<String> =
        db.store.audit_entries(0, 100).await.unwrap().into_iter().map(|e| e.event.target).collect();
    assert!(targets.contains(&format!("meeting:{id}")) && targets.contains(&format!("attachment:{file_id}")));
}

async fn the_nearest_regions_calendar_is_in_force(db: &TestDb) {
    seed(db).await;
    let version = |region: &str, id: &str| sinergi_store::NewCalendarVersion {
        region: code(region),
        calendar_id: id.into(),
        definition: format!("id = \"{id}\""),
        loaded_by: "admin".into(),
        loaded_at_ms: T0,
        reason: "Jadwal KPU".into(),
    };
    let chain = |c: &str| {
        let c = code(c);
        let mut v = vec![c.clone()];
        v.extend(c.ancestors());
        v
    };
    assert_eq!(db.store.calendar_in_force(&chain("15.07.01")).await.unwrap(), None);
    db.store.add_calendar_version(&version("15", "provinsi"), &event("calendar.load")).await.unwrap();
    db.store.add_calendar_version(&version("15.07", "kabupaten_lama"), &event("calendar.load")).await.unwrap();
    db.store.add_calendar_version(&version("15.07", "kabupaten"), &event("calendar.load")).await.unwrap();
    let in_force =
        |c: &'static str| async move { db.store.calendar_in_force(&chain(c)).await.unwrap().unwrap().calendar_id };
    assert_eq!(in_force("15.07.01").await, "kabupaten", "the regency's newest, nearer than the province's");
    assert_eq!(in_force("15.08").await, "provinsi");
    let versions = db.store.calendar_versions(&code("15.07")).await.unwrap();
    assert_eq!(versions.iter().map(|v| v.calendar_id.as_str()).collect::<Vec<_>>(), ["kabupaten", "kabupaten_lama"]);
}

sinergi_store::backend_tests!(
    the_nearest_regions_calendar_is_in_force,
    meetings_are_written_whole_with_a_version,
    lists_show_each_viewer_its_meetings,
    items_are_followed_to_closure,
    files_are_kept_byte_for_byte,
);
