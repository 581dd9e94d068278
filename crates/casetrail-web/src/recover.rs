//! The one place where a rejection becomes an HTTP status and an error page.

use casetrail_app::ErrorKind;
use serde::Serialize;
use warp::Rejection;
use warp::Reply;
use warp::http::StatusCode;

use crate::ctx::{Forbidden, NotSignedIn, ServerError, StaleForm, UserError, html, see_other};
use crate::i18n::{Lang, text};
use crate::templates::render;

#[derive(Debug, Serialize)]
struct ErrorPage<'a> {
    title: &'a str,
    advice: &'a str,
    detail: Option<&'a str>,
}

fn error_page(lang: Lang, status: StatusCode, key: &str, detail: Option<&str>) -> Box<dyn Reply> {
    let view = ErrorPage {
        title: text(lang, &format!("error_{key}_title")),
        advice: text(lang, &format!("error_{key}_advice")),
        detail,
    };
    match render("error", lang, &view) {
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

fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// A form sent back to its page with what was refused marked and the values entered kept:
/// the status says the refusal, the body is the page to mend it on.
pub fn refused_form(kind: ErrorKind, page: String) -> Box<dyn Reply> {
    html(page, status_of(kind))
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
        let key = match kind {
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            _ => "invalid",
        };
        error_page(*lang, status_of(*kind), key, Some(detail))
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
