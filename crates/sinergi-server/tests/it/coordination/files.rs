//! The files of a meeting through the API: a unit's briefing slides stored byte for byte and served back; a file
//! of the wrong kind or too large refused with its field; a restricted file shown only to who may open it; and the
//! upload form of the meeting's page.

use reqwest::StatusCode;
use serde_json::json;
use sinergi_server::ServerConfig;
use sinergi_store::testing::TestDb;

use super::setup;
use crate::helpers::{TestApp, csrf, post_multipart, send};

async fn a_meetings_files(db: &TestDb) {
    let app = setup(db).await;
    // The same application with a small limit, to refuse a file for its size without sending megabytes.
    let app =
        TestApp::spawn(app.store.clone(), ServerConfig { attachment_max_bytes: 4096, ..ServerConfig::default() }).await;
    let base = &app.base;
    let ops = app.signed_in("ops").await;
    let pln = app.signed_in("pln").await;
    let observer = app.signed_in("pengamat").await;
    let telkom = app.signed_in("telkom").await;
    let body = json!({"title": "Rakor", "region": "15.07", "convening_unit": "polres-15.07", "place": "Aula",
        "starts_at": "2026-12-10 09:00", "ends_at": "2026-12-10 12:00", "invitees": ["pln-up3-15.07"]});
    let (_, meeting) = send(ops.post(format!("{base}/api/v1/meetings")).json(&body)).await;
    let id = meeting["id"].as_i64().unwrap();
    let url = format!("{base}/api/v1/meetings/{id}/attachments");

    let pdf: Vec<u8> = b"%PDF-1.7\n".iter().copied().chain((0..=255u8).cycle().take(3000)).collect();
    let (status, file) =
        send(pln.post(format!("{url}?unit=pln-up3-15.07&name=Paparan%20PLN.pdf")).body(pdf.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    assert_eq!((file["media_type"].as_str(), file["size"].as_u64()), (Some("application/pdf"), Some(pdf.len() as u64)));
    let file_id = file["id"].as_i64().unwrap();

    // Refused with their fields: an executable under a PDF's name, a file over the limit, another unit's briefing.
    let (status, answer) =
        send(pln.post(format!("{url}?unit=pln-up3-15.07&name=virus.pdf")).body(b"MZ\x90\x00".to_vec())).await;
    assert_eq!(
        (status, answer["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("file")),
        "{answer}"
    );
    let big: Vec<u8> = b"%PDF-1.7\n".iter().copied().chain(std::iter::repeat_n(b'x', 5000)).collect();
    let (status, answer) = send(pln.post(format!("{url}?unit=pln-up3-15.07&name=besar.pdf")).body(big)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer["fields"][0]["message"].as_str().unwrap().contains("4 KB"), "{answer}");
    let (status, _) = send(pln.post(format!("{url}?unit=polres-15.07&name=x.pdf")).body(pdf.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = send(observer.post(format!("{url}?unit=polres-15.07&name=x.pdf")).body(pdf.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Served back byte for byte to who reads the meeting; not found for Telkom, which is not invited.
    let served = observer.get(format!("{base}/api/v1/attachments/{file_id}")).send().await.unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "application/pdf");
    assert_eq!(served.bytes().await.unwrap().to_vec(), pdf);
    let (status, _) = send(telkom.get(format!("{base}/api/v1/attachments/{file_id}"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A restricted file of the Polres: its own readers open it, the observer (clearance biasa) does not see it.
    let (status, secret) = send(
        ops.post(format!("{url}?unit=polres-15.07&name=Rencana%20pengamanan.pdf&classification=terbatas"))
            .body(pdf.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{secret}");
    let secret_id = secret["id"].as_i64().unwrap();
    let (_, listed) = send(observer.get(url.clone())).await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    let (status, _) = send(observer.get(format!("{base}/api/v1/attachments/{secret_id}"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, listed) = send(ops.get(url.clone())).await;
    assert_eq!(listed.as_array().unwrap().len(), 2);

    // The page's upload form (multipart), with the session's CSRF token; refused without it.
    let token = csrf(&pln, base).await;
    let upload = |token: String| {
        let pln = pln.clone();
        let url = format!("{base}/meetings/{id}/files");
        async move {
            let fields = [("csrf", token.as_str()), ("unit", "pln-up3-15.07")];
            post_multipart(&pln, url, &fields, ("file", "Genset.png", "image/png", b"\x89PNG\r\n\x1a\n0000")).await.0
        }
    };
    assert_eq!(upload(token).await, StatusCode::SEE_OTHER);
    assert_eq!(upload("salah".into()).await, StatusCode::FORBIDDEN);
    let page = pln.get(format!("{base}/meetings/{id}")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Genset.png") && page.contains("Paparan PLN.pdf"), "{page}");

    // The evidence of PLN's action item, sent by PLN, shown with the item.
    let decision = json!({"text": "Genset siaga", "items": [{"owner_unit": "pln-up3-15.07", "task": "Pasang genset", "deadline": "2026-12-20"}]});
    send(ops.post(format!("{base}/api/v1/meetings/{id}/decisions")).json(&decision)).await;
    let (_, items) = send(pln.get(format!("{base}/api/v1/action-items?mine=true"))).await;
    let item = items["items"][0]["id"].as_i64().unwrap();
    let (status, evidence) =
        send(pln.post(format!("{url}?item={item}&name=Foto%20genset.jpg")).body(vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2]))
            .await;
    assert_eq!((status, evidence["unit"].as_str()), (StatusCode::CREATED, Some("pln-up3-15.07")), "{evidence}");
    let (status, _) = send(pln.post(format!("{url}?item=999999&name=x.jpg")).body(vec![0xFF, 0xD8, 0xFF])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let page = ops.get(format!("{base}/meetings/{id}")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Foto genset.jpg"), "{page}");
}

sinergi_store::backend_tests!(a_meetings_files);
