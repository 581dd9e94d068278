//! Templates with their words put in: each language gets its own registry, built once, in
//! which `{{t.key}}` (at any depth of `../`) already is the text.
//!
//! Why: handing the ~500 texts to every render as `t` cost a page about a quarter of its CPU
//! (serialising them into the context, then copying that context for every partial with
//! parameters). A profile of the timeline page under load showed it; docs/PERFORMANCE.md.

use crate::i18n::Texts;

/// `source` with every use of `t` replaced by the text it names, escaped as the expression
/// would have escaped it:
/// - `{{t.key}}`, `{{../t.key}}`, … becomes the HTML-escaped text;
/// - a partial's parameter `name=t.key` becomes the string literal `name="text"`, which the
///   partial escapes when it outputs it; a parameter `t=t` or `t=../t` is dropped.
///
/// Any other use of `t` (inside a helper, as a block's context) cannot be resolved here and
/// is refused, as is a key no language has: both are defects of the templates, found by the
/// tests that render every template.
pub fn localize(name: &str, source: &str, texts: &Texts) -> Result<String, String> {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        // Comments may hold anything, even `}}`: pass them through whole.
        if after.starts_with("!--") {
            let end = after
                .find("--}}")
                .ok_or_else(|| format!("template {name}: an unclosed comment"))?;
            out.push_str(&rest[open..open + 2 + end + 4]);
            rest = &after[end + 4..];
            continue;
        }
        let close = after
            .find("}}")
            .ok_or_else(|| format!("template {name}: an unclosed `{{{{`"))?;
        let inner = &after[..close];
        out.push_str(&mustache(name, inner, texts)?);
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// One `{{inner}}`, localized.
fn mustache(name: &str, inner: &str, texts: &Texts) -> Result<String, String> {
    if let Some(key) = text_key(inner) {
        return Ok(escape_braces(&handlebars::html_escape(lookup(
            name, key, texts,
        )?)));
    }
    if let Some(call) = inner.strip_prefix('>') {
        let mut parts = Vec::new();
        for token in call.split_whitespace() {
            match token.split_once('=') {
                Some((_, value)) if is_t(value) => {}
                Some((param, value)) => match text_key(value) {
                    Some(key) => parts.push(format!(
                        "{param}=\"{}\"",
                        literal(name, key, lookup(name, key, texts)?)?
                    )),
                    None => parts.push(token.to_string()),
                },
                None => parts.push(token.to_string()),
            }
        }
        return Ok(format!("{{{{> {}}}}}", parts.join(" ")));
    }
    if inner
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '/'))
        .any(|token| is_t(token) || text_key(token).is_some())
    {
        return Err(format!(
            "template {name}: `{{{{{inner}}}}}` uses `t` in a way that cannot be localized \
             (only `{{{{t.key}}}}` and partial parameters `name=t.key` can)"
        ));
    }
    Ok(format!("{{{{{inner}}}}}"))
}

/// `key` when `expr` is `t.key`, `../t.key`, `../../t.key`, …
fn text_key(expr: &str) -> Option<&str> {
    let mut expr = expr.trim();
    while let Some(up) = expr.strip_prefix("../") {
        expr = up;
    }
    let key = expr.strip_prefix("t.")?;
    (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).then_some(key)
}

/// Whether `expr` is `t` itself, at any depth.
fn is_t(expr: &str) -> bool {
    let mut expr = expr.trim();
    while let Some(up) = expr.strip_prefix("../") {
        expr = up;
    }
    expr == "t"
}

fn lookup<'t>(name: &str, key: &str, texts: &'t Texts) -> Result<&'t str, String> {
    texts
        .get(key)
        .map(String::as_str)
        .ok_or_else(|| format!("template {name}: no text `{key}` in web/i18n"))
}

/// A text as a Handlebars string literal's contents; a quote or brace would end or open
/// something, so a text holding one is refused rather than mangled.
fn literal<'a>(name: &str, key: &str, text: &'a str) -> Result<&'a str, String> {
    if text.contains(['"', '\\', '{', '}']) {
        return Err(format!(
            "template {name}: the text `{key}` is passed to a partial and holds a quote, \
             backslash or brace"
        ));
    }
    Ok(text)
}

/// A text put into a template must not read as a template: `{` becomes its character
/// reference, which the browser shows as the same brace.
fn escape_braces(html: &str) -> String {
    html.replace('{', "&#123;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts() -> Texts {
        [
            ("hello", "Hej & <farvel>"),
            ("title", "Sager"),
            ("brace", "a {{b}}"),
            ("quoted", "say \"x\""),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn texts_are_put_in_escaped_at_any_depth() {
        let out = localize(
            "x",
            "<p>{{t.hello}}</p>{{#each rows}}{{../t.title}}{{name}}{{/each}}",
            &texts(),
        )
        .unwrap();
        assert_eq!(
            out,
            "<p>Hej &amp; &lt;farvel&gt;</p>{{#each rows}}Sager{{name}}{{/each}}"
        );
    }

    #[test]
    fn partial_parameters_become_literals_and_t_itself_is_dropped() {
        let out = localize(
            "x",
            "{{> top title=t.title}}{{> exports audit=audit t=../t files=../files}}",
            &texts(),
        )
        .unwrap();
        assert_eq!(
            out,
            "{{> top title=\"Sager\"}}{{> exports audit=audit files=../files}}"
        );
    }

    #[test]
    fn a_text_cannot_open_a_mustache_and_comments_pass_whole() {
        let out = localize("x", "{{!-- {{t.hello}} }} --}}{{t.brace}}", &texts()).unwrap();
        assert_eq!(out, "{{!-- {{t.hello}} }} --}}a &#123;&#123;b}}");
        let rendered = handlebars::Handlebars::new()
            .render_template(&out, &serde_json::json!({}))
            .unwrap();
        assert_eq!(rendered, "a &#123;&#123;b}}");
    }

    #[test]
    fn what_cannot_be_localized_is_refused_with_the_template_named() {
        for bad in [
            "{{#if t.hello}}x{{/if}}",
            "{{#with t}}{{hello}}{{/with}}",
            "{{t.missing}}",
            "{{> top title=t.quoted}}",
            "{{t.hello",
        ] {
            let err = localize("page", bad, &texts()).unwrap_err();
            assert!(err.starts_with("template page:"), "{bad}: {err}");
        }
        // Names that merely contain a t are not uses of it.
        assert_eq!(
            localize("x", "{{part.t}}{{at.x}}", &texts()).unwrap(),
            "{{part.t}}{{at.x}}"
        );
    }
}
