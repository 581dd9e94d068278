//! A long pathway stays legible: a ten-year window of 2,000 contacts is drawn as counts per
//! 30 days, not 2,000 overlapping marks; ticks stay few and name the years; everything the
//! keyboard reaches comes in the order of time; plan bands carry their names.

use super::*;
use crate::i18n::Lang;
use crate::lifelines::{Item, Window, chart};

#[test]
fn ten_years_of_contacts_become_counts_with_year_ticks_in_time_order() {
    let (_dir, shared) = demo_shared();
    let mut long = shared.workbench.released("SAG1", 1, &shared.key).unwrap();
    let template = long.timeline.contacts[0].clone();
    long.timeline.contacts = (0..2_000)
        .map(|i| {
            let mut c = template.clone();
            c.start.day = (i * 37) % 3_615;
            c.start.date = None;
            c.acute = i % 3 == 0;
            c
        })
        .collect();
    long.timeline.contacts.sort_by_key(|c| c.start.day);
    let whole = Window { from: 0, to: 3_615 };
    let drawn = chart(&long, whole, Lang::Da);
    assert_eq!(drawn.bin_days, Some(30));
    let bins: Vec<_> = drawn
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Bin(b) => Some(b),
            _ => None,
        })
        .collect();
    assert!(
        !drawn.items.iter().any(|i| matches!(i, Item::Mark(_))),
        "no single marks"
    );
    assert_eq!(
        bins.iter().map(|b| b.count).sum::<usize>(),
        2_000,
        "every contact counted"
    );
    assert!(
        bins.len() <= 121 * 6,
        "at most a column per 30 days and lane"
    );
    assert!(bins.iter().all(|b| b.title.contains("kontakt")));
    let xs: Vec<f64> = drawn.items.iter().map(Item::x).collect();
    assert!(xs.windows(2).all(|w| w[0] <= w[1]), "in the order of time");
    assert!(
        (6..=12).contains(&drawn.ticks.len()),
        "{} ticks",
        drawn.ticks.len()
    );
    assert!(
        drawn.ticks.iter().any(|t| t.label.starts_with("år 1 ")),
        "{:?}",
        drawn.ticks
    );

    // A 17-day zoom of the same: single marks again, and ticks every other day.
    let zoom = chart(&long, Window { from: 100, to: 117 }, Lang::En);
    assert_eq!(zoom.bin_days, None);
    assert!(zoom.items.iter().any(|i| matches!(i, Item::Mark(_))));
    assert!(zoom.ticks.len() >= 8, "{} ticks", zoom.ticks.len());
    assert!(zoom.ticks.iter().all(|t| t.label.starts_with("day ")));
}

#[test]
fn the_case_page_offers_a_skip_link_to_the_time_ordered_list() {
    let (_dir, shared) = demo_shared();
    let sag1 = shared.key.case_pseudonym("SAG1");
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let session = cookie_value(
            &sign_in(&api, "a.psykiatri", DEMO_PASSWORD).await,
            "session",
        );
        let res = warp::test::request()
            .path(&format!("/my/DEMO-2019/{sag1}"))
            .header("cookie", format!("session={session}"))
            .reply(&api)
            .await;
        let page = body(&res);
        let skip = page
            .find("href=\"#details-list\"")
            .unwrap_or_else(|| panic!("{} {page}", res.status()));
        assert!(
            skip < page.find("<svg").unwrap_or_else(|| panic!("{page}")),
            "before the chart"
        );
        assert!(page.contains("<ol class=\"details\" id=\"details-list\""));
        // Stays are drawn under the marks and reached through the list, not tabbed to.
        assert!(!page.contains("<a href=\"#I1\"><rect"));
        assert!(page.contains("<a href=\"#I1\" tabindex=\"-1\"><rect"));
    });
}
