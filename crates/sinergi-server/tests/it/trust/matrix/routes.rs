//! Phase 2 of the access matrix: every route and page, and the answer each subject must get.

use super::*;

pub(super) fn matrix(world: &World) -> Table {
    let mut t = Table { rows: Vec::new(), no_csrf_mirrors_operator: true };
    let get = || Method::GET;

    // Open to everyone.
    t.public("/api/v1/health", ok());
    t.public("/api/v1/openapi.json", ok());
    t.public("/login", ok());
    t.public("/lang/en", Want::Redirect("/".into()));
    t.public("/favicon.svg", ok());
    t.public("/assets/main.js", ok());
    // The sign-in itself answers everyone (a signed-in client may sign in again); a wrong password is one answer.
    t.each(Method::POST, |_| "/api/v1/auth/login".into(), Body::WrongLogin, |_| Want::Error(401, "login_failed"));

    t.api(get(), "/api/v1/nope", Body::None, |_| not_found("route_not_found"));
    t.api(get(), "/api/v1/auth/me", Body::None, |_| ok());

    // Regions: a region inside the scope or above it is seen, any other is not there at all.
    let sees = |code: &str, who: Who| match code {
        "15" | "15.07" => true,
        "15.07.01" => who != ScopedToken,
        "15.07.02" => !matches!(who, DistrictOperator | FieldReporter | External),
        "15.07.01.2002" => !matches!(who, FieldReporter | ScopedToken),
        "15.07.01.2001" => who != ScopedToken,
        "14" => who == Admin,
        _ => false,
    };
    t.api(get(), "/api/v1/regions", Body::None, |_| ok());
    t.api(get(), "/api/v1/regions/search?q=Muara", Body::None, |_| ok());
    for region in ["15", "15.07", "15.07.01", "15.07.02", "15.07.01.2002", "14", "99"] {
        for suffix in ["", "/children"] {
            let path = format!("/api/v1/regions/{region}{suffix}");
            t.api(get(), &path, Body::None, |w| if sees(region, w) { ok() } else { not_found("region_not_found") });
        }
    }
    for region in ["15.07", "15.07.01", "15.07.02", "15", "14"] {
        let path = format!("/api/v1/regions/{region}/map");
        let mappable = region.len() > 2;
        t.api(get(), &path, Body::None, |w| match (sees(region, w), mappable) {
            (true, true) => ok(),
            (true, false) => Want::Error(400, "map_needs_regency"),
            (false, _) => not_found("region_not_found"),
        });
    }

    // TPS: the external role reads none; others read the TPS of their territory, in regions they see.
    for region in ["15", "15.07", "15.07.01", "15.07.02", "15.07.01.2002", "14"] {
        let path = format!("/api/v1/tps?region={region}");
        t.api(get(), &path, Body::None, |w| match w {
            External => forbidden(),
            _ if sees(region, w) => ok(),
            _ => not_found("region_not_found"),
        });
    }
    let (a, a2, b) = (world.tps_a.id, world.tps_a2.id, world.tps_b.id);
    let covers = |id: i64, who: Who| {
        if id == a {
            who != ScopedToken
        } else if id == a2 {
            !matches!(who, FieldReporter | ScopedToken)
        } else if id == b {
            !matches!(who, DistrictOperator | FieldReporter)
        } else {
            false
        }
    };
    for id in [a, a2, b, 999_999] {
        t.api(get(), &format!("/api/v1/tps/{id}"), Body::None, |w| match w {
            External => forbidden(),
            _ if covers(id, w) => ok(),
            _ => not_found("tps_not_found"),
        });
    }
    // Writers: the administrator, the operators, and the operator's token that is not read-only.
    let writes = |w: Who| matches!(w, Admin | Operator | DistrictOperator | ScopedToken);
    let post = |t: &mut Table, village: &'static str, inside: &dyn Fn(Who) -> bool| {
        t.api(Method::POST, "/api/v1/tps", Body::NewTps(village), |w| match w {
            _ if !writes(w) => forbidden(),
            _ if inside(w) => created(),
            _ => invalid(),
        });
    };
    post(&mut t, "15.07.01.2002", &|w| w != ScopedToken);
    post(&mut t, "15.07.02.1001", &|w| w != DistrictOperator);
    post(&mut t, "15.07.01.2999", &|_| false); // no such village
    for record in [&world.tps_a, &world.tps_b] {
        t.api(Method::PUT, &format!("/api/v1/tps/{}", record.id), Body::Json(same_values(record)), |w| match w {
            _ if !writes(w) => forbidden(),
            _ if covers(record.id, w) => ok(),
            _ => not_found("tps_not_found"),
        });
    }
    // Moving a TPS onto a taken number: refused as a conflict, unless the target village is outside the
    // writer's scope (then it does not exist for them) or the TPS itself is.
    let onto_b = Body::Json(moved(&world.tps_a, "15.07.02.1001", 1));
    t.api(Method::PUT, &format!("/api/v1/tps/{a}"), onto_b, |w| match w {
        _ if !writes(w) => forbidden(),
        ScopedToken => not_found("tps_not_found"),
        DistrictOperator => invalid(),
        _ => Want::Error(409, "conflict"),
    });
    let onto_a = Body::Json(moved(&world.tps_b, "15.07.01.2001", 1));
    t.api(Method::PUT, &format!("/api/v1/tps/{b}"), onto_a, |w| match w {
        _ if !writes(w) => forbidden(),
        DistrictOperator => not_found("tps_not_found"),
        ScopedToken => invalid(),
        _ => Want::Error(409, "conflict"),
    });
    t.api(Method::PUT, "/api/v1/tps/999999", Body::Json(same_values(&world.tps_a)), |w| {
        if writes(w) { not_found("tps_not_found") } else { forbidden() }
    });

    // Vulnerability mapping: read like TPS; assessed by administrators, operators and field reporters (and the
    // operator's token that is not read-only), inside their territory.
    let set = "bawaslu-pilkada-2024";
    for path in ["/api/v1/indicator-sets".to_owned(), format!("/api/v1/indicator-sets/{set}")] {
        t.api(get(), &path, Body::None, |w| if w == External { forbidden() } else { ok() });
    }
    t.api(get(), "/api/v1/indicator-sets/tidak-ada", Body::None, |w| {
        if w == External { forbidden() } else { not_found("indicator_set_not_found") }
    });
    for region in ["15.07", "15.07.01", "15.07.02", "14"] {
        for what in ["tps", "areas"] {
            let path = format!("/api/v1/vulnerability/{set}/{what}?region={region}");
            t.api(get(), &path, Body::None, |w| match w {
                External => forbidden(),
                _ if sees(region, w) => ok(),
                _ => not_found("region_not_found"),
            });
        }
    }
    let assesses = |w: Who| matches!(w, Admin | Operator | DistrictOperator | FieldReporter | ScopedToken);
    for id in [a, b] {
        t.api(get(), &format!("/api/v1/tps/{id}/assessments?set={set}"), Body::None, |w| match w {
            External => forbidden(),
            _ if covers(id, w) => ok(),
            _ => not_found("tps_not_found"),
        });
        let body = Body::Json(json!({"set": set, "assessor": "Petugas", "answers": {"keamanan.kekerasan": "ya"}}));
        t.api(Method::POST, &format!("/api/v1/tps/{id}/assessments"), body, |w| match w {
            _ if !assesses(w) => forbidden(),
            _ if covers(id, w) => created(),
            _ => not_found("tps_not_found"),
        });
    }
    // Area indicators: read where the region is seen (a village's district included); assessed where it is
    // covered — the district above a field reporter is seen but not theirs to assess.
    let covers_region = |code: &str, who: Who| match code {
        "15.07" => !matches!(who, DistrictOperator | FieldReporter | ScopedToken | External),
        "15.07.01" => !matches!(who, FieldReporter | ScopedToken),
        _ => sees(code, who),
    };
    for (region, answers) in [
        ("15.07.01.2001", json!({"riwayat_konflik": "ya"})),
        ("15.07.01", json!({"gangguan_kamtibmas": 4})),
        ("15.07.02", json!({"netralitas": true})),
        ("15.07", json!({})),
    ] {
        t.api(get(), &format!("/api/v1/regions/{region}/area-assessments?set={set}"), Body::None, |w| match w {
            External => forbidden(),
            _ if sees(region, w) => ok(),
            _ => not_found("region_not_found"),
        });
        let body = Body::Json(json!({"set": set, "assessor": "PKD", "answers": answers}));
        t.api(Method::POST, &format!("/api/v1/regions/{region}/area-assessments"), body, |w| match w {
            _ if !assesses(w) => forbidden(),
            _ if !sees(region, w) => not_found("region_not_found"),
            _ if !covers_region(region, w) => forbidden(),
            // A regency is neither a village nor a district.
            _ if region == "15.07" => invalid(),
            _ => created(),
        });
    }

    // The incident desk: everyone reads the reports of their territory that they need to know (the external role
    // only those of its agency: filed by, routed to or shared with it); administrators, operators, commanders and
    // field reporters file them; administrators, operators and commanders move them (an unknown move is a 422
    // that shows access without changing anything).
    let files = |w: Who| matches!(w, Admin | Commander | Operator | DistrictOperator | FieldReporter | ScopedToken);
    let handles = |w: Who| matches!(w, Admin | Commander | Operator | DistrictOperator | ScopedToken);
    t.api(get(), "/api/v1/reports", Body::None, |_| ok());
    t.api(get(), "/api/v1/report-categories", Body::None, |_| ok());
    // The taxonomy as data: only administrators load a version or read the versions loaded (a broken text is a
    // 422 that shows access without changing the rules the rest of the matrix files reports by).
    let broken_taxonomy = Body::Json(json!({"toml": "id = 1", "reason": "matriks"}));
    t.api(Method::PUT, "/api/v1/report-categories", broken_taxonomy, |w| {
        if w == Admin { Want::Error(422, "invalid_taxonomy") } else { forbidden() }
    });
    t.api(get(), "/api/v1/report-categories/versions", Body::None, |w| if w == Admin { ok() } else { forbidden() });
    t.api(get(), "/api/v1/report-categories/versions/999999", Body::None, |w| {
        if w == Admin { not_found("taxonomy_version_not_found") } else { forbidden() }
    });
    t.api(get(), "/api/v1/reports/queue", Body::None, |_| ok());
    t.api(get(), "/api/v1/reports/escalations", Body::None, |_| ok());
    let body = Body::Json(json!({"category": "bentrok", "village_code": "15.07.01.2001", "description": "Ricuh"}));
    t.api(Method::POST, "/api/v1/reports", body, |w| match w {
        _ if !files(w) => forbidden(),
        // The token limited to 15.07.02 does not cover the village.
        ScopedToken => invalid(),
        _ => created(),
    });
    for (id, village) in [(world.report_a, "15.07.01.2001"), (world.report_b, "15.07.02.1001")] {
        let covered = |w: Who| match w {
            DistrictOperator | FieldReporter | External => village.starts_with("15.07.01"),
            ScopedToken => village.starts_with("15.07.02"),
            _ => true,
        };
        t.api(get(), &format!("/api/v1/reports/{id}"), Body::None, |w| match w {
            _ if covered(w) => ok(),
            _ => not_found("report_not_found"),
        });
        let body = Body::Json(json!({"action": "terbang"}));
        t.api(Method::POST, &format!("/api/v1/reports/{id}/moves"), body, |w| match w {
            _ if !handles(w) => forbidden(),
            _ if covered(w) => invalid(),
            _ => not_found("report_not_found"),
        });
        let body = Body::Json(json!({"body": "Dipantau"}));
        t.api(Method::POST, &format!("/api/v1/reports/{id}/comments"), body, |w| match w {
            _ if !files(w) => forbidden(),
            _ if covered(w) => created(),
            _ => not_found("report_not_found"),
        });
        // Sharing: only the owning agency (Polri filed both) shares or revokes; the KPU field reporter is told so.
        // An unknown agency is a 422 that shows access without changing anything.
        let share_want = |w: Who| match w {
            _ if !files(w) => forbidden(),
            _ if !covered(w) => not_found("report_not_found"),
            FieldReporter => Want::Error(403, "not_owner"),
            _ => invalid(),
        };
        let body = Body::Json(json!({"agency": "ormas", "reason": "Diteruskan"}));
        t.api(Method::POST, &format!("/api/v1/reports/{id}/shares"), body, share_want);
        let body = Body::Json(json!({"reason": "Dicabut"}));
        t.api(Method::POST, &format!("/api/v1/reports/{id}/shares/ormas/revoke"), body, share_want);
        // Duplicate decisions: those who handle reports; an unknown decision is named before anything is read.
        let body = Body::Json(json!({"decision": "mungkin"}));
        t.api(Method::POST, &format!("/api/v1/reports/{id}/duplicates/{}", world.report_a), body, |w| {
            if handles(w) { invalid() } else { forbidden() }
        });
    }
    // The field reporter's own intelligence report: theirs (whatever its level) and the administrator's; to
    // everyone else it does not exist.
    let reads_own = |w: Who| matches!(w, Admin | FieldReporter);
    let path = format!("/api/v1/reports/{}", world.report_c);
    t.api(get(), &path, Body::None, |w| if reads_own(w) { ok() } else { not_found("report_not_found") });
    // The live feed (an endless event stream) is checked in tests/desk.rs: 401 without credentials, 400 for a bad
    // Last-Event-ID, and per-event access for each user.

    // The export: read like the list (a region outside the territory is empty, not an error); a format it does not
    // know is refused before anything else.
    for path in ["/api/v1/reports/export", "/api/v1/reports/export?format=geojson&region=15.07.02&open=true"] {
        t.api(get(), path, Body::None, |_| ok());
    }
    t.api(get(), "/api/v1/reports/export?format=pdf", Body::None, |_| Want::Error(400, "invalid_query"));

    // The early warning scan: read like the reports; run by those who handle reports, for a regency their territory
    // holds whole (the matrix's reports are unverified, so each run has too few to scan and changes no alert).
    t.api(get(), "/api/v1/scans", Body::None, |w| if w == External { forbidden() } else { ok() });
    t.api(get(), "/api/v1/scans?regency=15.07", Body::None, |w| if w == External { forbidden() } else { ok() });
    t.api(get(), "/api/v1/scans/999999", Body::None, |w| {
        if w == External { forbidden() } else { not_found("scan_not_found") }
    });
    for path in ["/api/v1/alerts", "/api/v1/alerts?within=15.07.02&status=all"] {
        t.api(get(), path, Body::None, |w| if w == External { forbidden() } else { ok() });
    }
    t.api(get(), "/api/v1/alerts?status=semua", Body::None, |w| {
        if w == External { forbidden() } else { Want::Error(400, "invalid_query") }
    });
    t.api(get(), "/api/v1/alerts/999999", Body::None, |w| {
        if w == External { forbidden() } else { not_found("alert_not_found") }
    });
    let scan = Body::Json(json!({"regency": "15.07", "replications": 9}));
    t.api(Method::POST, "/api/v1/scans", scan, |w| match w {
        _ if !handles(w) => forbidden(),
        DistrictOperator | ScopedToken => not_found("region_not_found"),
        _ => created(),
    });
    let bad_scan = Body::Json(json!({"regency": "15.07", "max_fraction": 0.9}));
    t.api(Method::POST, "/api/v1/scans", bad_scan, |w| if handles(w) { invalid() } else { forbidden() });

    // Coordination: meetings are read by those who read meetings in the region and by the invited units' chains
    // (the district operator for the Polsek, the external KPU account for the PPK); managed by the convener's
    // commanders and operators and the administrator; an invited unit records for itself. One that may not be
    // read is not found.
    let (m, item) = (world.meeting, world.item);
    let reads_meeting = |w: Who| !matches!(w, FieldReporter | ScopedToken);
    let manages = |w: Who| matches!(w, Admin | Commander | Operator);
    t.api(get(), "/api/v1/meetings", Body::None, |_| ok());
    t.api(get(), "/api/v1/meetings?status=later", Body::None, |_| Want::Error(400, "invalid_query"));
    for path in [format!("/api/v1/meetings/{m}"), format!("/api/v1/action-items/{item}")] {
        let missing = if path.contains("meetings") { "meeting_not_found" } else { "action_item_not_found" };
        t.api(get(), &path, Body::None, |w| if reads_meeting(w) { ok() } else { not_found(missing) });
    }
    t.api(get(), "/api/v1/meetings/999999", Body::None, |_| not_found("meeting_not_found"));
    t.api(get(), "/api/v1/action-items", Body::None, |_| ok());
    t.api(get(), "/api/v1/action-items?mine=true&state=overdue", Body::None, |_| ok());
    let minutes = Body::Json(json!({"text": "Rapat dibuka pukul 09.00."}));
    t.api(Method::PUT, &format!("/api/v1/meetings/{m}/minutes"), minutes, |w| match w {
        _ if manages(w) => ok(),
        _ if reads_meeting(w) => forbidden(),
        _ => not_found("meeting_not_found"),
    });
    let present = Body::Json(json!({"status": "present", "name": "Ketua PPK"}));
    t.api(Method::PUT, &format!("/api/v1/meetings/{m}/attendance/ppk-15.07.01"), present, |w| match w {
        _ if manages(w) || w == External => ok(),
        _ if reads_meeting(w) => forbidden(),
        _ => not_found("meeting_not_found"),
    });
    // Moving an open item to open is no move: those who may move it learn that (422), others may not.
    let no_move = Body::Json(json!({"status": "open"}));
    t.api(Method::POST, &format!("/api/v1/action-items/{item}/status"), no_move, |w| match w {
        _ if manages(w) || w == External => invalid(),
        _ if reads_meeting(w) => forbidden(),
        _ => not_found("action_item_not_found"),
    });
    t.api(get(), &format!("/api/v1/meetings/{m}/attachments"), Body::None, |w| {
        if reads_meeting(w) { ok() } else { not_found("meeting_not_found") }
    });
    t.api(get(), "/api/v1/attachments/999999", Body::None, |_| not_found("attachment_not_found"));
    // A body that is no file of an accepted kind: those who may add one learn that (422), others may not.
    let not_a_file = Body::Json(json!({"bukan": "berkas"}));
    t.api(Method::POST, &format!("/api/v1/meetings/{m}/attachments?unit=ppk-15.07.01&name=x.pdf"), not_a_file, |w| {
        match w {
            _ if manages(w) || w == External => invalid(),
            _ if reads_meeting(w) => forbidden(),
            _ => not_found("meeting_not_found"),
        }
    });
    let convene = Body::Json(json!({"title": "Rakor", "region": "15.07", "convening_unit": "polres-15.07",
        "place": "Aula", "starts_at": "2026-12-10 09:00", "ends_at": "2026-12-10 11:00", "invitees": ["polda-15"]}));
    t.api(Method::POST, "/api/v1/meetings", convene, |w| match w {
        _ if manages(w) => created(),
        DistrictOperator | ScopedToken => invalid(),
        _ => forbidden(),
    });

    // Deployment plans: read by administrators, commanders, operators and observers (tokens of the operator too);
    // made by those who plan; a roster read only by the unit's own chain (Polri over the Polsek) and
    // administrators, never by a read-only token; a plan that does not exist is not found.
    let reads_plans = |w: Who| !matches!(w, FieldReporter | External);
    let plans = |w: Who| matches!(w, Admin | Commander | Operator | DistrictOperator | ScopedToken);
    t.api(get(), "/api/v1/plans", Body::None, |w| if reads_plans(w) { ok() } else { forbidden() });
    t.api(get(), "/api/v1/plans/999999", Body::None, |w| {
        if reads_plans(w) { not_found("plan_not_found") } else { forbidden() }
    });
    t.api(get(), "/api/v1/plan-jobs/999", Body::None, |_| not_found("plan_job_not_found"));
    t.api(get(), "/api/v1/regions/15.07/deployment-pattern", Body::None, |w| {
        if reads_plans(w) { ok() } else { forbidden() }
    });
    t.api(get(), "/api/v1/units/polsek-15.07.01/roster", Body::None, |w| {
        if matches!(w, Admin | Commander | Operator | DistrictOperator) { ok() } else { forbidden() }
    });
    let empty_roster = Body::Json(json!({"csv": "id,name,rank,unit,force\n"}));
    t.api(Method::POST, "/api/v1/roster", empty_roster, |w| {
        if plans(w) { Want::Error(422, "invalid_file") } else { forbidden() }
    });
    let not_a_regency = Body::Json(json!({"regency": "15.07.01", "name": "Rencana"}));
    t.api(Method::POST, "/api/v1/plans", not_a_regency, |w| if plans(w) { invalid() } else { forbidden() });

    // The election calendar: read by everyone signed in, for a region they see; loaded by administrators.
    t.api(get(), "/api/v1/calendar", Body::None, |_| ok());
    t.api(get(), "/api/v1/calendar.ics", Body::None, |_| ok());
    t.api(get(), "/api/v1/calendar?region=15.07.02", Body::None, |w| {
        if sees("15.07.02", w) { ok() } else { not_found("region_not_found") }
    });
    let bad_calendar = Body::Json(json!({"toml": "id = 1", "reason": "Jadwal KPU"}));
    t.api(Method::PUT, "/api/v1/calendar/15.07", bad_calendar, |w| {
        if w == Admin { Want::Error(422, "invalid_calendar") } else { forbidden() }
    });

    // The situation report: for those who read reports, of an area their territory holds.
    t.api(get(), "/api/v1/sitreps?region=15.07&period=7d", Body::None, |w| match w {
        External => forbidden(),
        DistrictOperator | FieldReporter | ScopedToken => not_found("region_not_found"),
        _ => ok(),
    });
    t.page("/sitrep", |w| if w == External { Want::Status(403) } else { ok() });

    // The gateway webhook takes API tokens only (a browser session is refused), of accounts that file reports;
    // an unregistered sender is answered with a reply, not an error.
    let message = Body::Json(json!({"sender": "0899-1111-2222", "text": "LAPOR bentrok ricuh", "message_id": "m-1"}));
    t.api(Method::POST, "/api/v1/intake/messages", message, |w| if w == ScopedToken { ok() } else { forbidden() });

    // Agencies and units: every role sees the agencies; the external role no units; units of the scope and of
    // its ancestors (the chain of command) are seen, others are not there.
    t.api(get(), "/api/v1/agencies", Body::None, |_| ok());
    t.api(get(), "/api/v1/units", Body::None, |w| if w == External { forbidden() } else { ok() });
    t.api(get(), "/api/v1/units?region=15.07.02", Body::None, |w| if w == External { forbidden() } else { ok() });
    let unit_seen = |unit: &str, who: Who| match unit {
        "polda-15" | "polres-15.07" => true,
        "polsek-15.07.01" | "ppk-15.07.01" | "pps-15.07.01.2001" => who != ScopedToken,
        "polsek-15.07.02" => !matches!(who, DistrictOperator | FieldReporter),
        "polda-14" => who == Admin,
        _ => false,
    };
    for unit in [
        "polda-15",
        "polres-15.07",
        "polsek-15.07.01",
        "ppk-15.07.01",
        "pps-15.07.01.2001",
        "polsek-15.07.02",
        "polda-14",
    ] {
        t.api(get(), &format!("/api/v1/units/{unit}"), Body::None, |w| match w {
            External => forbidden(),
            _ if unit_seen(unit, w) => ok(),
            _ => not_found("unit_not_found"),
        });
    }

    // Tokens: managing one's own is a change, refused to read-only tokens; only a session makes tokens.
    let session =
        |w: Who| matches!(w, Admin | Commander | Operator | DistrictOperator | FieldReporter | Observer | External);
    t.api(get(), "/api/v1/tokens", Body::None, |w| if w == ReadOnlyToken { forbidden() } else { ok() });
    t.api(get(), "/api/v1/tokens?all=true", Body::None, |w| if w == Admin { ok() } else { forbidden() });
    t.api(Method::POST, "/api/v1/tokens", Body::Json(json!({"name": "matriks"})), |w| {
        if session(w) { created() } else { forbidden() }
    });
    let limited = Body::Json(json!({"name": "matriks 15.07.02", "region": "15.07.02", "read_only": true}));
    t.api(Method::POST, "/api/v1/tokens", limited, |w| match w {
        _ if !session(w) => forbidden(),
        DistrictOperator | FieldReporter | External => Want::Error(400, "invalid_token_request"),
        _ => created(),
    });
    // Someone else's token: the administrator revokes the commander's; nobody else may revoke the administrator's.
    let (admins, commanders) = (world.admins_token.clone(), world.commanders_token.clone());
    t.api_each(
        Method::DELETE,
        |w| format!("/api/v1/tokens/{}", if w == Admin { &commanders } else { &admins }),
        Body::None,
        |w| match w {
            ReadOnlyToken => forbidden(),
            Admin => no_content(),
            _ => not_found("token_not_found"),
        },
    );
    t.api(Method::DELETE, "/api/v1/tokens/000000000000", Body::None, |w| match w {
        ReadOnlyToken => forbidden(),
        _ => not_found("token_not_found"),
    });
    // One's own (for the tokens: another token of the same account, which the rules do not forbid).
    let own = world.own_token.clone();
    t.api_each(
        Method::DELETE,
        |w| format!("/api/v1/tokens/{}", own[&w]),
        Body::None,
        |w| match w {
            ReadOnlyToken => forbidden(),
            _ => no_content(),
        },
    );

    // Pages: shown when the region is seen, a "not found" page otherwise.
    t.page("/", |_| ok());
    t.page("/?wall=1", |_| ok());
    t.page("/dashboard/tiles", |_| ok());
    t.page("/regions", |_| ok());
    for region in ["15", "15.07", "15.07.01", "15.07.02", "15.07.01.2002", "14"] {
        t.page(&format!("/regions/{region}"), |w| if sees(region, w) { ok() } else { Want::Status(404) });
    }
    for region in ["15.07", "15.07.01", "15.07.02", "15", "14"] {
        // A province has no map: a "not found" page as well.
        let shown = |w: Who| sees(region, w) && region.len() > 2;
        t.page(&format!("/map/{region}"), |w| if shown(w) { ok() } else { Want::Status(404) });
    }
    // Vulnerability pages: read like TPS (the external role is refused); the village form only for those who
    // assess, in a village they cover. `/vulnerability` sends each to their own territory.
    t.page("/vulnerability", |w| match w {
        Admin => Want::Redirect("/vulnerability/15.07".into()),
        DistrictOperator => Want::Redirect("/vulnerability/15.07.01".into()),
        FieldReporter => Want::Redirect("/vulnerability/15.07.01.2001".into()),
        ScopedToken => Want::Redirect("/vulnerability/15.07.02".into()),
        External => Want::Redirect("/vulnerability/15.07.01".into()),
        _ => Want::Redirect("/vulnerability/15.07".into()),
    });
    for region in ["15.07", "15.07.01", "15.07.02", "15.07.01.2001", "14"] {
        t.page(&format!("/vulnerability/{region}?set={set}"), |w| match w {
            External => Want::Status(403),
            _ if sees(region, w) => ok(),
            _ => Want::Status(404),
        });
    }
    for id in [a, b] {
        t.page(&format!("/tps/{id}"), |w| if w != External && covers(id, w) { ok() } else { Want::Status(404) });
    }
    for village in ["15.07.01.2001", "15.07.02.1001"] {
        let covered = |w: Who| match w {
            DistrictOperator | FieldReporter => village.starts_with("15.07.01"),
            ScopedToken => village.starts_with("15.07.02"),
            _ => true,
        };
        t.page(&format!("/vulnerability/{village}/assess?set={set}"), |w| match w {
            _ if !assesses(w) => Want::Status(403),
            _ if covered(w) => ok(),
            _ => Want::Status(404),
        });
    }
    // The area-indicator form: a village or a district the assessor covers; a regency has none.
    for region in ["15.07.01.2001", "15.07.01", "15.07.02", "15.07"] {
        t.page(&format!("/vulnerability/{region}/area?set={set}"), |w| match w {
            _ if !assesses(w) => Want::Status(403),
            _ if region != "15.07" && covers_region(region, w) => ok(),
            _ => Want::Status(404),
        });
    }
    // Incident desk pages: read like the reports (the external role sees its agency's); a report outside the
    // territory, or one the viewer need not know, is a "not found" page. Their forms never act without the form's CSRF token, whoever sends them.
    for path in [
        "/incidents",
        "/incidents/queue",
        "/incidents/escalations",
        "/incidents?region=15.07.02&open=true",
        "/incidents/map.geojson",
    ] {
        t.page(path, |_| ok());
    }
    let path = format!("/incidents/{}", world.report_c);
    t.page(&path, |w| if matches!(w, Admin | FieldReporter) { ok() } else { Want::Status(404) });
    for (id, village) in [(world.report_a, "15.07.01.2001"), (world.report_b, "15.07.02.1001")] {
        let covered = |w: Who| match w {
            DistrictOperator | FieldReporter | External => village.starts_with("15.07.01"),
            ScopedToken => village.starts_with("15.07.02"),
            _ => true,
        };
        t.page(&format!("/incidents/{id}"), |w| match w {
            _ if covered(w) => ok(),
            _ => Want::Status(404),
        });
        for form in ["move", "comment", "share", "duplicate"] {
            let path = format!("/incidents/{id}/{form}");
            t.each(
                Method::POST,
                |_| path.clone(),
                Body::None,
                |w| {
                    if w == Anonymous { login_page(&path) } else { Want::Error(403, "csrf_failed") }
                },
            );
        }
    }
    // The routing rules page: administrators only; its form never acts without the form's CSRF token.
    t.page("/incidents/rules", |w| if w == Admin { ok() } else { Want::Status(403) });
    t.each(
        Method::POST,
        |_| "/incidents/rules".into(),
        Body::None,
        |w| if w == Anonymous { login_page("/incidents/rules") } else { Want::Error(403, "csrf_failed") },
    );
    t.page("/incidents/999999", |_| Want::Status(404));
    // Early warning pages: read like the reports (the external role is refused); an alert or a run outside the
    // territory (here: none at all) is a "not found" page; a bad filter is named (400). The run form never acts
    // without the form's CSRF token, whoever sends it.
    for path in ["/early-warning", "/early-warning?state=all&regency=15.07"] {
        t.page(path, |w| if w == External { Want::Status(403) } else { ok() });
    }
    t.page("/early-warning?state=semua", |w| if w == External { Want::Status(403) } else { Want::Status(400) });
    for path in ["/early-warning/alerts/999999", "/early-warning/runs/999999"] {
        t.page(path, |w| if w == External { Want::Status(403) } else { Want::Status(404) });
    }
    t.each(
        Method::POST,
        |_| "/early-warning/run".into(),
        Body::None,
        |w| if w == Anonymous { login_page("/early-warning/run") } else { Want::Error(403, "csrf_failed") },
    );
    // Coordination pages: read like the API; the form that convenes for those who convene; every form refused
    // without the form's CSRF token.
    t.page("/meetings", |_| ok());
    t.page("/action-items", |_| ok());
    t.page(&format!("/meetings/{}", world.meeting), |w| {
        if matches!(w, FieldReporter | ScopedToken) { Want::Status(404) } else { ok() }
    });
    t.page("/meetings/999999", |_| Want::Status(404));
    t.page("/meetings/new", |w| {
        if matches!(w, Admin | Commander | Operator | DistrictOperator | ScopedToken | NoCsrf) {
            ok()
        } else {
            Want::Status(403)
        }
    });
    for path in [
        "/meetings/new".to_owned(),
        format!("/meetings/{}/minutes", world.meeting),
        format!("/action-items/{}", world.item),
    ] {
        t.each(
            Method::POST,
            |_| path.clone(),
            Body::None,
            |w| if w == Anonymous { login_page(&path) } else { Want::Error(403, "csrf_failed") },
        );
    }
    // The field form, its places and the officer's own reports: for those who file reports.
    for path in ["/field", "/field/places", "/field/mine"] {
        t.page(path, |w| match w {
            Admin | Commander | Operator | DistrictOperator | FieldReporter | ScopedToken | NoCsrf => ok(),
            _ => Want::Status(403),
        });
    }
    // The deployment plans' pages: for those who read plans; a plan or a job that does not exist is not found.
    t.page("/plans", |w| if reads_plans(w) { ok() } else { Want::Status(403) });
    t.page("/plans/999999", |w| if reads_plans(w) { Want::Status(404) } else { Want::Status(403) });
    t.page("/plans/jobs/999", |_| Want::Status(404));
    t.page("/plans/roster-template.xlsx", |w| if plans(w) { ok() } else { Want::Status(403) });
    // Every page form is refused without the form's CSRF token, whoever sends it: one extractor (`CheckedForm`)
    // checks them all before their handler runs (the roster's multipart form checks its own field the same way).
    for path in [
        "/field",
        "/vulnerability/15.07.01.2001/assess",
        "/vulnerability/15.07.01/area",
        "/plans",
        "/plans/1/approve",
        "/plans/roster",
    ] {
        t.each(
            Method::POST,
            |_| path.to_owned(),
            Body::None,
            |w| if w == Anonymous { login_page(path) } else { Want::Error(403, "csrf_failed") },
        );
    }
    t.api(get(), "/api/v1/assessments/999999/photo", Body::None, |_| not_found("photo_not_found"));
    t.api(get(), &format!("/api/v1/vulnerability/{set}/export?region=15.07.01"), Body::None, |w| match w {
        External => forbidden(),
        ScopedToken => not_found("region_not_found"),
        _ => ok(),
    });
    t.page("/nope", |_| Want::Status(404));
    t.each(
        Method::POST,
        |_| "/logout".into(),
        Body::None,
        |w| if w == Anonymous { login_page("/logout") } else { Want::Skip },
    );

    // Last: signing out ends a session, and a token's request has none to end.
    t.api(Method::POST, "/api/v1/auth/logout", Body::None, |_| no_content());
    // The CSRF-less session could not sign out: it is still open, unlike its account's other session.
    t.no_csrf_mirrors_operator = false;
    t.api(get(), "/api/v1/auth/me", Body::None, |w| if session(w) { unauthenticated() } else { ok() });
    t.page("/", |w| if session(w) { login_page("/") } else { ok() });
    t
}
