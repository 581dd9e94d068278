//! Material from documents: an RTF file and a Windows-1252 text file become material like a
//! PDF (their text read, then sealed and redacted); a binary file is refused in Danish and
//! nothing is attached.

use super::*;

const RTF: &[u8] = include_bytes!("../../../../fixtures/web/doegnrapport-sag-6.rtf");

/// Posts `bytes` as the uploaded document of SAG1's material form.
async fn upload(
    api: &(impl Filter<Extract = (impl Reply,), Error = std::convert::Infallible> + Clone + 'static),
    f: &As,
    name: &str,
    bytes: &[u8],
) -> Response {
    let csrf = form_token(&body(&f.get(api, "/cases/SAG1").await));
    let mut form = format!(
        "--XX\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --XX\r\nContent-Disposition: form-data; name=\"source\"\r\n\r\npolice_report\r\n\
         --XX\r\nContent-Disposition: form-data; name=\"date\"\r\n\r\n2019-03-01\r\n\
         --XX\r\nContent-Disposition: form-data; name=\"pdf\"; filename=\"{name}\"\r\n\r\n"
    )
    .into_bytes();
    form.extend_from_slice(bytes);
    form.extend_from_slice(b"\r\n--XX--\r\n");
    warp::test::request()
        .method("POST")
        .path("/cases/SAG1/material")
        .header("cookie", f.cookie())
        .header("content-type", "multipart/form-data; boundary=XX")
        .body(form)
        .reply(api)
        .await
}

#[test]
fn rtf_and_windows_text_become_redacted_material_and_binary_is_refused() {
    let (_dir, shared) = demo_shared();
    let wb = shared.workbench.clone();
    let before = || {
        tokio::task::block_in_place(|| wb.timeline("SAG1", &shared.key, None))
            .unwrap()
            .timeline
            .material
            .len()
    };
    let shared2 = shared.clone();
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared2);
        let f = As::new(&api, "facilitator").await;
        let n = before();
        let res = upload(&api, &f, "rapport.rtf", RTF).await;
        assert_eq!(res.status(), 303, "{}", body(&res));
        let (cp1252, _, _) = encoding_rs::WINDOWS_1252
            .encode("Vagtlægen så borgeren på bostedet, tlf. 86 12 34 56.");
        let res = upload(&api, &f, "notat.txt", &cp1252).await;
        assert_eq!(res.status(), 303, "{}", body(&res));
        assert_eq!(before(), n + 2);
        let page = body(&f.get(&api, "/cases/SAG1").await);
        let list = &page[page
            .find("id=\"material-list\"")
            .expect("the material list")..];
        assert!(
            list.contains("Døgnrapport"),
            "RTF's \\'f8 read as ø: {list}"
        );
        assert!(
            list.contains("Vagtlægen så borgeren"),
            "Windows-1252 read: {list}"
        );
        assert!(
            list.contains("[CPR]") && list.contains("[TELEFON]"),
            "{list}"
        );
        for hidden in ["020295", "22 41 90 17", "86 12 34 56", "fonttbl", "Arial"] {
            assert!(!list.contains(hidden), "{hidden} in {list}");
        }
        let res = upload(
            &api,
            &f,
            "billede.png",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        )
        .await;
        assert_eq!(res.status(), 422);
        assert!(
            body(&res).contains("Filens tekst kunne ikke læses"),
            "{}",
            body(&res)
        );
        assert_eq!(before(), n + 2, "nothing attached");
    });
}
