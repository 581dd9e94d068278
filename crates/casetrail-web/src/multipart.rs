//! Multipart forms read with bounds: the CSRF token first, checked before a byte of the file
//! is read, at most `MAX_PARTS` parts, and text fields of at most `MAX_FIELD_BYTES`.

use futures_util::TryStreamExt;
use warp::{Buf, Rejection};

use crate::ctx::Ctx;

#[derive(Debug, Default)]
pub struct Multipart {
    pub fields: std::collections::BTreeMap<String, String>,
    pub files: std::collections::BTreeMap<String, (String, Vec<u8>)>,
}

impl Multipart {
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }
}

/// Parts a multipart form may have, and the bytes a text field may hold.
const MAX_PARTS: usize = 16;
const MAX_FIELD_BYTES: usize = 64 * 1024;

/// A part's bytes, at most `limit` of them (the route's body limit bounds files).
async fn part_bytes(part: warp::multipart::Part, limit: usize) -> Result<Vec<u8>, String> {
    let name = part.name().to_owned();
    let mut stream = part.stream();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.try_next().await.map_err(|e| e.to_string())? {
        let mut chunk = chunk;
        while chunk.has_remaining() {
            let piece = chunk.chunk();
            if bytes.len() + piece.len() > limit {
                return Err(format!("the field {name} is longer than {limit} bytes"));
            }
            bytes.extend_from_slice(piece);
            let n = piece.len();
            chunk.advance(n);
        }
    }
    Ok(bytes)
}

/// Reads a multipart form. The route's guard checked the role before a byte of the body was
/// read, and the form's first part must be its CSRF token, checked before
/// the rest (a file) is read; so nobody without a valid form makes the server read an upload.
/// A body that is no valid multipart form is a 422 that says why.
pub async fn read_multipart(
    ctx: &Ctx,
    mut form: warp::multipart::FormData,
) -> Result<(crate::sessions::Session, Multipart), Rejection> {
    let unreadable = |e: String| ctx.invalid(format!("the upload is not a readable form: {e}"));
    let first = form
        .try_next()
        .await
        .map_err(|e| unreadable(e.to_string()))?
        .ok_or_else(|| unreadable("it is empty".into()))?;
    if first.name() != "csrf" {
        return Err(warp::reject::custom(crate::ctx::StaleForm {
            lang: ctx.lang,
        }));
    }
    let csrf = part_bytes(first, 128).await.map_err(unreadable)?;
    let session = ctx.check_csrf(&String::from_utf8_lossy(&csrf))?.clone();
    let mut out = Multipart::default();
    let mut parts = 1;
    while let Some(part) = form
        .try_next()
        .await
        .map_err(|e| unreadable(e.to_string()))?
    {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(unreadable(format!("it has more than {MAX_PARTS} parts")));
        }
        let name = part.name().to_owned();
        match part.filename().map(str::to_owned) {
            Some(file) => {
                let bytes = part_bytes(part, usize::MAX).await.map_err(unreadable)?;
                out.files.insert(name, (file, bytes));
            }
            None => {
                let bytes = part_bytes(part, MAX_FIELD_BYTES)
                    .await
                    .map_err(unreadable)?;
                out.fields
                    .insert(name, String::from_utf8_lossy(&bytes).into_owned());
            }
        }
    }
    Ok((session, out))
}
