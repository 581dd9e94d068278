//! The contacts around the admissions: housing support, addiction treatment, job centre,
//! case worker, network meetings, plans, and now and then a user-controlled bed.

use chrono::{Duration, NaiveDate};
use rand::Rng;
use rand::seq::IndexedRandom;

use super::{Generator, Person, Row, at, show, visit};
use crate::names::{FIRST_NAMES, LAST_NAMES};

impl Generator {
    /// Contacts spread over the year: housing support, addiction treatment, job centre,
    /// case worker, network meetings, plans, and now and then a user-controlled bed.
    pub(super) fn background(
        &mut self,
        p: &Person,
        base: &Row,
        jan1: NaiveDate,
        days: i64,
        rows: &mut Vec<Row>,
    ) {
        if p.housing {
            let staff = format!(
                "{} {}",
                FIRST_NAMES.choose(&mut self.rng).expect("names"),
                LAST_NAMES.choose(&mut self.rng).expect("names")
            );
            for week in (0..days).step_by(14) {
                let t = at(
                    self.day_near(jan1, days, week),
                    self.rng.random_range(9..16),
                    0,
                );
                rows.push(Row {
                    organisation: format!("{} Kommune", p.municipality),
                    ..visit(
                        base,
                        t,
                        Duration::hours(1),
                        ("municipality", "housing_support", "planned"),
                        "Bostøtten",
                        format!(
                            "Besøg ved bostøttemedarbejder {staff}. Hjælp til medicin og indkøb."
                        ),
                    )
                });
            }
            rows.push(Row {
                start: show(at(self.day_near(jan1, days, 20), 10, 0)),
                sector: "municipality",
                kind: "case_worker",
                priority: "planned",
                unit: "Socialforvaltningen".into(),
                plan: "municipal_support_plan",
                plan_action: "created",
                note: "Handleplan efter serviceloven §85.".into(),
                ..base.clone()
            });
        }
        if p.misuse {
            for month in (0..days).step_by(30) {
                let t = at(self.day_near(jan1, days, month), 13, 0);
                rows.push(visit(
                    base,
                    t,
                    Duration::minutes(45),
                    ("municipality", "addiction_treatment", "planned"),
                    "Rusmiddelcenter",
                    "Samtale om forbrug af hash og alkohol.",
                ));
            }
        }
        if p.acute.len() >= 3 {
            let t = at(self.random_day(jan1, days, 30..300), 14, 0);
            let relative = self.note_person();
            let email = format!(
                "{}@example.dk",
                relative.split(' ').nth(1).unwrap_or("x").to_lowercase()
            );
            let row = visit(
                base,
                t,
                Duration::hours(2),
                ("municipality", "network_meeting", "planned"),
                "Netværksmøde",
                format!(
                    "Netværksmøde med distriktspsykiatri, bostøtte og {relative} ({email}). Kriseplan lagt."
                ),
            );
            rows.push(Row {
                plan: "crisis_plan",
                plan_action: "created",
                ..row
            });
            if self.rng.random_range(0..100) < 10 {
                let t = at(self.random_day(jan1, days, 0..330), 19, 0);
                rows.push(Row {
                    diagnosis: p.main_diagnosis.to_string(),
                    ..visit(
                        base,
                        t,
                        Duration::days(2),
                        ("region", "user_controlled_bed", "acute"),
                        "Brugerstyret seng",
                        "Brugerstyret indlæggelse efter aftale.",
                    )
                });
            }
        }
        // Most patients are followed in community psychiatry between admissions, and see
        // their GP now and then.
        if self.rng.random_range(0..100) < 65 {
            let every = self.rng.random_range(21..42);
            let unit = [
                "Distriktspsykiatrien Nord",
                "Distriktspsykiatrien Syd",
                "Ambulatorium for psykoser",
                "Ambulatorium for personlighedsforstyrrelser",
            ]
            .choose(&mut self.rng)
            .expect("units")
            .to_string();
            for d in (self.rng.random_range(0..every)..days).step_by(every as usize) {
                let t = at(jan1 + Duration::days(d), self.rng.random_range(8..15), 0);
                rows.push(visit(
                    base,
                    t,
                    Duration::minutes(45),
                    ("region", "outpatient_visit", "planned"),
                    &unit,
                    "Samtale og medicinopfølgning.",
                ));
            }
        }
        for _ in 0..self.rng.random_range(1..7) {
            let t = at(
                jan1 + Duration::days(self.rng.random_range(0..days)),
                self.rng.random_range(8..15),
                15,
            );
            rows.push(visit(
                base,
                t,
                Duration::minutes(15),
                ("general_practice", "gp_consultation", "planned"),
                "Egen læge",
                "Konsultation.",
            ));
        }
        if self.rng.random_range(0..100) < 20 {
            let t = at(self.random_day(jan1, days, 0..330), 10, 0);
            rows.push(visit(
                base,
                t,
                Duration::hours(1),
                ("municipality", "job_centre", "planned"),
                "Jobcenter",
                "Samtale om sygedagpenge.",
            ));
        }
    }
}
