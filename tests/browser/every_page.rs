//! Every page each role can reach, found by following the links the pages themselves offer
//! (no hand-kept list to fall behind the routes): each is checked with axe-core (Deque's
//! accessibility rules, WCAG 2.1 A and AA plus best practice: contrast, labels, landmarks,
//! headings, keyboard order), must not widen past a 390 px phone, and is screenshot at
//! 1400 px and at 390 px.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::*;

/// A crawl is bounded: a page with links to every zoom of a timeline must not make it endless.
const MAX_PAGES_PER_ROLE: usize = 60;

/// Links that lead to files or change state, not to pages.
fn is_page_link(href: &str) -> bool {
    let path = href.split(['?', '#']).next().unwrap_or("");
    href.starts_with('/')
        && !path.is_empty()
        && !path.starts_with("/export/")
        && !path.starts_with("/static/")
        // Switching the language sets a cookie: the crawl stays in Danish.
        && !path.starts_with("/lang/")
        && path != "/checkpoint"
        && ![".csv", ".json", ".jsonl", ".parquet", ".pdf", ".png", ".zip", ".xlsx"]
            .iter()
            .any(|ext| path.ends_with(ext))
}

/// Pages that a form's GET opens rather than a link: the crawl starts there too.
fn reached_by_forms(role: &str) -> &'static [&'static str] {
    match role {
        "facilitator" => &[
            "/cases/SAG1/release?policy=relative_days",
            "/stage1?year=2019",
            "/audits/DEMO-2019/confirm/close",
        ],
        _ => &[],
    }
}

/// The page a link is deduplicated by: its path, whatever the query.
fn page_key(href: &str) -> String {
    href.split(['?', '#']).next().unwrap_or("").to_owned()
}

fn axe_source() -> String {
    let path = std::env::var("CASETRAIL_AXE")
        .expect("CASETRAIL_AXE names axe.min.js (scripts/setup fetches it)");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Runs axe on the page shown; each violation as "rule (impact): help, at: nodes".
async fn axe_violations(j: &Journey<'_>, axe: &str) -> Vec<String> {
    j.c.execute(&format!("{axe}\n;return true;"), Vec::new())
        .await
        .expect("axe-core loads into the page");
    let found = j
        .c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
  .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ', at: '
      + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' [' + (n.failureSummary || '').replace(/\s+/g, ' ') + ']').join('; '))))
  .catch(e => done(['axe failed: ' + e]));"#,
            Vec::new(),
        )
        .await
        .expect("axe runs");
    found
        .as_array()
        .expect("a list of violations")
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn links(j: &Journey<'_>) -> Vec<String> {
    let found =
        j.c.execute(
            "return Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))",
            Vec::new(),
        )
        .await
        .unwrap();
    found
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// Whether `href` answers with a page (not a download), asked with the page's own cookies.
async fn is_html(j: &Journey<'_>, href: &str) -> bool {
    let kind = j
        .c
        .execute_async(
            "const done = arguments[arguments.length - 1];
fetch(arguments[0], { redirect: 'follow' }).then(r => done(r.headers.get('content-type') || '')).catch(() => done(''));",
            vec![serde_json::json!(href)],
        )
        .await
        .unwrap();
    kind.as_str().is_some_and(|k| k.starts_with("text/html"))
}

/// The page's width and the window's, in CSS pixels.
pub(super) async fn page_width(j: &Journey<'_>) -> (f64, f64) {
    let wide =
        j.c.execute("return document.documentElement.scrollWidth", Vec::new())
            .await
            .unwrap();
    let inner =
        j.c.execute("return window.innerWidth", Vec::new())
            .await
            .unwrap();
    (wide.as_f64().unwrap(), inner.as_f64().unwrap())
}

/// The outermost elements that reach past the window's right edge, named as a selector.
async fn past_the_edge(j: &Journey<'_>) -> String {
    let found = j
        .c
        .execute(
            "const w = window.innerWidth; const out = [];
for (const e of document.querySelectorAll('body *')) {
  if (e.getBoundingClientRect().right > w + 1 && !(e.parentElement && e.parentElement.getBoundingClientRect().right > w + 1)) {
    out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined ? '.' + e.className : ''));
  }
  if (out.length >= 5) break;
}
return out.join(', ');",
            Vec::new(),
        )
        .await
        .unwrap();
    found.as_str().unwrap_or_default().to_owned()
}

fn shot_name(role: &str, href: &str) -> String {
    let slug: String = page_key(href)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("every-page/{role}{slug}")
}

/// Checks the page shown; returns what is wrong with it.
async fn check_page(j: &Journey<'_>, axe: &str, role: &str, href: &str) -> Vec<String> {
    let mut wrong = Vec::new();
    j.c.set_window_size(1400, 1000).await.unwrap();
    j.shot(&format!("{}-1400", shot_name(role, href))).await;
    let started = std::time::Instant::now();
    for v in axe_violations(j, axe).await {
        wrong.push(format!("{role} {href}: {v}"));
    }
    println!(
        "  axe on {role} {href}: {} ms",
        started.elapsed().as_millis()
    );
    j.c.set_window_size(390, 844).await.unwrap();
    let (wide, inner) = page_width(j).await;
    j.shot(&format!("{}-390", shot_name(role, href))).await;
    if wide > inner + 1.0 {
        wrong.push(format!(
            "{role} {href}: {wide} px wide in a {inner} px window, past its edge: {}",
            past_the_edge(j).await
        ));
    }
    j.c.set_window_size(1400, 1000).await.unwrap();
    wrong
}

/// Follows every page link from `/` as the signed-in role, checking each page once.
async fn crawl(
    j: &Journey<'_>,
    axe: &str,
    role: &str,
    seen: &mut BTreeMap<String, usize>,
) -> Vec<String> {
    let mut wrong = Vec::new();
    let mut queue: VecDeque<String> = std::iter::once("/")
        .chain(reached_by_forms(role).iter().copied())
        .map(str::to_owned)
        .collect();
    let mut queued: BTreeSet<String> = queue.iter().map(|h| page_key(h)).collect();
    let mut checked = 0;
    while let Some(href) = queue.pop_front() {
        if checked == MAX_PAGES_PER_ROLE {
            break;
        }
        j.go(&href).await;
        checked += 1;
        *seen.entry(page_key(&href)).or_default() += 1;
        wrong.extend(check_page(j, axe, role, &href).await);
        for link in links(j).await {
            if is_page_link(&link) && queued.insert(page_key(&link)) && is_html(j, &link).await {
                queue.push_back(link);
            }
        }
    }
    wrong
}

pub(super) async fn every_page_is_accessible_and_fits_a_phone(j: &Journey<'_>) {
    std::fs::create_dir_all(j.shots.join("every-page")).unwrap();
    // axe on the 2,000-event case takes seconds, more on a loaded machine: chromedriver's
    // default of 30 s for a script is no bound worth failing on.
    let timeouts = fantoccini::wd::TimeoutConfiguration::new(
        Some(Duration::from_secs(300)),
        Some(Duration::from_secs(60)),
        None,
    );
    j.c.update_timeouts(timeouts).await.unwrap();
    let axe = axe_source();
    let mut wrong = Vec::new();
    let mut seen = BTreeMap::new();
    j.go("/signin").await;
    wrong.extend(check_page(j, &axe, "anyone", "/signin").await);
    j.go("/no-such-page").await;
    wrong.extend(check_page(j, &axe, "anyone", "/no-such-page").await);
    for role in ["facilitator", "a.laege", "kvalitet", "admin"] {
        j.sign_in(role).await;
        wrong.extend(crawl(j, &axe, role, &mut seen).await);
        j.go("/").await;
        j.sign_out().await;
    }
    println!("pages checked: {}", seen.len());
    for (page, roles) in &seen {
        println!("  {page} ({roles} roles)");
    }
    // The crawl must have found the pages each role works in, or it checked too little.
    for page in [
        "/import",
        "/stage1",
        "/select",
        "/cases/SAG1",
        "/cases/SAG1/release",
        "/my",
        "/quality",
        "/access",
        "/admin/users",
    ] {
        assert!(seen.contains_key(page), "the crawl never reached {page}");
    }
    assert!(
        seen.keys().any(|p| p.starts_with("/audits/")),
        "the crawl never reached an audit"
    );
    assert!(
        seen.keys().any(|p| p.starts_with("/my/")),
        "the crawl never reached a panel member's case"
    );
    assert!(
        wrong.is_empty(),
        "{} problems:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
