//! The one place where a rejection becomes an HTTP status and an error page.

use casetrail_app::ErrorKind;
use serde::Serialize;
use warp::Rejection;
use warp::Reply;
use warp::http::StatusCode;

use crate::ctx::{Forbidden, NotSignedIn, ServerError, StaleForm, UserError, html, see_other};
use crate::i18n::{Lang, Texts, text, texts};
use crate::templates::render;

#[derive(Debug, Serialize)]
struct ErrorPage<'a> {
    t: &'a Texts,
    title: &'a str,
    advice: &'a str,
    detail: Option<&'a str>,
}

fn error_page(lang: Lang, status: StatusCode, key: &str, detail: Option<&str>) -> Box<dyn Reply> {
    let view = ErrorPage {
        t: texts(lang),
        title: text(lang, &format!("error_{key}_title")),
        advice: text(lang, &format!("error_{key}_advice")),
        detail,
    };
    match render("error", &view) {
        Ok(body) => html(body, status),
        Err(e) => {
            tracing::error!(%e, "the error page does not render");
            Box::new(warp::reply::with_status(
                text(lang, "error_server_title"),
                status,
            ))
        }
    }
}

/// Every HTTP status the server answers with is chosen here.
pub async fn recover(rejection: Rejection) -> Result<Box<dyn Reply>, std::convert::Infallible> {
    // Without a session there is no language cookie at hand here: Danish, the default.
    let da = Lang::Da;
    Ok(if rejection.is_not_found() {
        error_page(da, StatusCode::NOT_FOUND, "not_found", None)
    } else if rejection.find::<NotSignedIn>().is_some() {
        see_other("/signin".into())
    } else if let Some(Forbidden { lang }) = rejection.find() {
        error_page(*lang, StatusCode::FORBIDDEN, "forbidden", None)
    } else if let Some(StaleForm { lang }) = rejection.find() {
        error_page(*lang, StatusCode::FORBIDDEN, "stale", None)
    } else if let Some(UserError { lang, kind, detail }) = rejection.find() {
        let (status, key) = match kind {
            ErrorKind::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ErrorKind::Conflict => (StatusCode::CONFLICT, "conflict"),
            _ => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        };
        error_page(*lang, status, key, Some(detail))
    } else if let Some(ServerError(detail)) = rejection.find() {
        tracing::error!(%detail, "server error");
        error_page(da, StatusCode::INTERNAL_SERVER_ERROR, "server", None)
    } else if rejection
        .find::<warp::filters::body::BodyDeserializeError>()
        .is_some()
        || rejection
            .find::<warp::reject::UnsupportedMediaType>()
            .is_some()
        || rejection.find::<warp::reject::InvalidQuery>().is_some()
        || rejection.find::<warp::reject::InvalidHeader>().is_some()
        || rejection.find::<warp::reject::MissingHeader>().is_some()
        || rejection.find::<warp::reject::MissingCookie>().is_some()
        || rejection.find::<warp::reject::LengthRequired>().is_some()
    {
        error_page(da, StatusCode::BAD_REQUEST, "unreadable", None)
    } else if rejection.find::<warp::reject::PayloadTooLarge>().is_some() {
        error_page(da, StatusCode::PAYLOAD_TOO_LARGE, "too_large", None)
    } else if rejection.find::<warp::reject::MethodNotAllowed>().is_some() {
        error_page(da, StatusCode::METHOD_NOT_ALLOWED, "method", None)
    } else {
        tracing::error!(?rejection, "unhandled rejection");
        error_page(da, StatusCode::INTERNAL_SERVER_ERROR, "server", None)
    })
}
