//! One synthetic patient's year, as rows of the contacts import format.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Europe::Copenhagen;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::Config;
use crate::allocate::{PublishedRow, allocate};
use crate::names::{FIRST_NAMES, LAST_NAMES, MUNICIPALITIES, RELATIONS, STREETS, TOWNS, WARDS};

mod background;

/// One line of the contacts CSV.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    /// The synthetic patient's id.
    pub patient: String,
    /// An invented CPR number (valid in form, issued to nobody).
    pub cpr: String,
    /// When the contact began, as the CSV writes it.
    pub start: String,
    /// When it ended (empty when open).
    pub end: String,
    /// The sector's code.
    pub sector: &'static str,
    /// The contact kind's code.
    pub kind: &'static str,
    /// `acute` or `planned`.
    pub priority: &'static str,
    /// ICD-10 codes, `;`-separated.
    pub diagnosis: String,
    /// The unit.
    pub unit: String,
    /// An invented note in Danish.
    pub note: String,
    /// The organisation.
    pub organisation: String,
    /// Under coercion by court order.
    pub court_ordered: bool,
    /// The plan kind's code, on a plan row.
    pub plan: &'static str,
    /// The plan change's code, on a plan row.
    pub plan_action: &'static str,
    /// An invented name.
    pub name: String,
    /// The municipality.
    pub municipality: String,
}

impl Row {
    /// The CSV header, in column order.
    pub const HEADER: [&'static str; 16] = [
        "patient",
        "cpr",
        "start",
        "end",
        "sector",
        "kind",
        "priority",
        "diagnosis",
        "unit",
        "note",
        "organisation",
        "court_ordered",
        "plan",
        "plan_action",
        "name",
        "municipality",
    ];

    /// The row's fields in `HEADER` order.
    pub fn fields(&self) -> [&str; 16] {
        [
            &self.patient,
            &self.cpr,
            &self.start,
            &self.end,
            self.sector,
            self.kind,
            self.priority,
            &self.diagnosis,
            &self.unit,
            &self.note,
            &self.organisation,
            if self.court_ordered { "true" } else { "" },
            self.plan,
            self.plan_action,
            &self.name,
            &self.municipality,
        ]
    }
}

/// Who a synthetic patient is, decided once.
struct Person {
    id: String,
    cpr: String,
    name: String,
    municipality: String,
    main_diagnosis: &'static str,
    misuse: bool,
    housing: bool,
    court_ordered: bool,
    /// Episodes in the year, and which of them are acute.
    acute: Vec<bool>,
}

/// A deterministic generator: the same config always gives the same rows.
pub struct Generator {
    config: Config,
    rng: ChaCha8Rng,
    /// Per patient (in output order): acute flag of each episode.
    plans: Vec<Vec<bool>>,
}

impl std::fmt::Debug for Generator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generator")
            .field("config", &self.config)
            .finish()
    }
}

fn at(date: NaiveDate, hour: u32, minute: u32) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(hour, minute, 0).expect("valid time"))
}

/// Who and what a contact is: sector, kind and priority.
type What = (&'static str, &'static str, &'static str);

/// A contact of `length` from `t`, with the fields most rows share, on the patient's `base`.
fn visit(
    base: &Row,
    t: NaiveDateTime,
    length: Duration,
    (sector, kind, priority): What,
    unit: &str,
    note: impl Into<String>,
) -> Row {
    Row {
        start: show(t),
        end: show(t + length),
        sector,
        kind,
        priority,
        unit: unit.to_owned(),
        note: note.into(),
        ..base.clone()
    }
}

/// Writes a local time as an extract would. A time in the hour skipped when summer time
/// begins is shown an hour later, as the wall clock showed it.
fn show(t: NaiveDateTime) -> String {
    let t = match chrono::TimeZone::from_local_datetime(&Copenhagen, &t) {
        chrono::LocalResult::None => t + Duration::hours(1),
        _ => t,
    };
    t.format("%Y-%m-%dT%H:%M").to_string()
}

impl Generator {
    /// A generator for this configuration; the same configuration gives the same rows.
    pub fn new(config: Config) -> Generator {
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let rows: Vec<PublishedRow> = allocate(config.patients);
        let mut plans: Vec<Vec<bool>> = Vec::with_capacity(config.patients);
        for row in &rows {
            let mut slots: Vec<Vec<bool>> = (0..row.patients)
                .map(|_| {
                    let n = if row.episodes < 11 {
                        row.episodes
                    } else {
                        11 + rng.random_range(0..8) + rng.random_range(0..8)
                    };
                    vec![false; n]
                })
                .collect();
            // Exactly the row's number of acute admissions, spread at random over its episodes.
            let mut all: Vec<(usize, usize)> = slots
                .iter()
                .enumerate()
                .flat_map(|(p, s)| (0..s.len()).map(move |e| (p, e)))
                .collect();
            all.shuffle(&mut rng);
            for &(p, e) in all.iter().take(row.acute_admissions as usize) {
                slots[p][e] = true;
            }
            plans.extend(slots);
        }
        plans.shuffle(&mut rng);
        Generator { config, rng, plans }
    }

    /// Calls `emit` with each patient's rows, in order of time.
    pub fn run(mut self, mut emit: impl FnMut(&[Row])) {
        let plans = std::mem::take(&mut self.plans);
        let mut rows = Vec::new();
        for (i, acute) in plans.into_iter().enumerate() {
            let person = self.person(i, acute);
            rows.clear();
            self.pathway(&person, &mut rows);
            for row in &mut rows {
                // A start moved out of the skipped spring hour may pass its end: they meet.
                if !row.end.is_empty() && row.end < row.start {
                    row.end = row.start.clone();
                }
            }
            rows.sort_by(|a, b| a.start.cmp(&b.start));
            emit(&rows);
        }
    }

    fn person(&mut self, index: usize, acute: Vec<bool>) -> Person {
        let rng = &mut self.rng;
        let frequent = acute.len() >= 3;
        let main_diagnosis = match (frequent, rng.random_range(0..100)) {
            (true, 0..40) | (false, 0..15) => ["DF200", "DF201", "DF209"][rng.random_range(0..3)],
            (true, 40..70) | (false, 15..30) => ["DF603", "DF601", "DF609"][rng.random_range(0..3)],
            _ => ["DF321", "DF332", "DF312", "DF431", "DF102", "DF250"][rng.random_range(0..6)],
        };
        let first = *FIRST_NAMES.choose(rng).expect("names");
        let last = *LAST_NAMES.choose(rng).expect("names");
        Person {
            id: format!("P{:06}", index + 1),
            cpr: invented_cpr(rng),
            name: format!("{first} {last}"),
            municipality: MUNICIPALITIES
                .choose(rng)
                .expect("municipalities")
                .to_string(),
            main_diagnosis,
            misuse: rng.random_range(0..100) < if frequent { 35 } else { 15 },
            housing: rng.random_range(0..100) < if frequent { 45 } else { 15 },
            court_ordered: rng.random_range(0..100) < 2,
            acute,
        }
    }

    fn note_person(&mut self) -> String {
        let rng = &mut self.rng;
        format!(
            "{} {} {}",
            RELATIONS.choose(rng).expect("relations"),
            FIRST_NAMES.choose(rng).expect("names"),
            LAST_NAMES.choose(rng).expect("names")
        )
    }

    fn phone(&mut self) -> String {
        let n: u32 = self.rng.random_range(20_000_000..99_999_999);
        let d = format!("{n}");
        if self.rng.random_bool(0.5) {
            format!("{} {} {} {}", &d[..2], &d[2..4], &d[4..6], &d[6..])
        } else {
            format!("+45 {d}")
        }
    }

    fn address(&mut self) -> String {
        let rng = &mut self.rng;
        let (code, town) = TOWNS.choose(rng).expect("towns");
        format!(
            "{} {}, {code} {town}",
            STREETS.choose(rng).expect("streets"),
            rng.random_range(1..120)
        )
    }

    fn pathway(&mut self, p: &Person, rows: &mut Vec<Row>) {
        let year = self.config.year;
        let jan1 = NaiveDate::from_ymd_opt(year, 1, 1).expect("a real year");
        let days_in_year = NaiveDate::from_ymd_opt(year + 1, 1, 1)
            .expect("a real year")
            .signed_duration_since(jan1)
            .num_days();
        let base = Row {
            patient: p.id.clone(),
            cpr: p.cpr.clone(),
            name: p.name.clone(),
            municipality: p.municipality.clone(),
            ..Row::default()
        };
        // Lengths of stay in days: about half of acute stays are 0-3 days.
        let mut lengths: Vec<i64> = p
            .acute
            .iter()
            .map(|&acute| match (acute, self.rng.random_range(0..100)) {
                (true, 0..52) => self.rng.random_range(0..=3),
                (true, 52..87) => self.rng.random_range(4..=14),
                (true, _) => self.rng.random_range(15..=45),
                (false, _) => self.rng.random_range(7..=45),
            })
            .collect();
        let budget = days_in_year - 2 * p.acute.len() as i64 - 10;
        while lengths.iter().sum::<i64>() > budget {
            let longest = (0..lengths.len())
                .max_by_key(|&i| lengths[i])
                .expect("at least one stay");
            lengths[longest] = lengths[longest] * 2 / 3;
        }
        // Spread the rest of the year as gaps of at least one day between stays.
        let slack = days_in_year - 1 - lengths.iter().sum::<i64>() - p.acute.len() as i64;
        let weights: Vec<u32> = (0..=p.acute.len())
            .map(|_| self.rng.random_range(1..1000))
            .collect();
        let total: i64 = weights.iter().map(|&w| i64::from(w)).sum();
        let mut day = 0i64;
        let mut last_end: Option<NaiveDateTime> = None;
        for (i, &acute) in p.acute.iter().enumerate() {
            day += 1 + slack * i64::from(weights[i]) / total;
            let date = jan1 + Duration::days(day.min(days_in_year - 1));
            let start = if acute && self.rng.random_range(0..100) < 62 {
                let hour = [16, 17, 18, 19, 20, 21, 22, 23, 0, 1, 2, 3, 4, 5, 6, 7]
                    [self.rng.random_range(0..16)];
                at(date, hour, self.rng.random_range(0..60))
            } else {
                at(
                    date,
                    self.rng.random_range(8..16),
                    self.rng.random_range(0..60),
                )
            };
            let start = match last_end {
                Some(end) if start <= end + Duration::hours(1) => {
                    end + Duration::hours(self.rng.random_range(2..30))
                }
                _ => start,
            };
            let end_date = start.date() + Duration::days(lengths[i]);
            let mut end = at(
                end_date,
                self.rng.random_range(9..16),
                self.rng.random_range(0..60),
            );
            if end <= start {
                end = start + Duration::minutes(self.rng.random_range(90..600));
            }
            day = end.date().signed_duration_since(jan1).num_days();
            last_end = Some(end);
            self.admission(p, &base, start, end, acute, rows);
        }
        self.prior_year(p, &base, jan1, rows);
        self.background(p, &base, jan1, days_in_year, rows);
    }

    fn admission(
        &mut self,
        p: &Person,
        base: &Row,
        start: NaiveDateTime,
        end: NaiveDateTime,
        acute: bool,
        rows: &mut Vec<Row>,
    ) {
        let ward = WARDS.choose(&mut self.rng).expect("wards").to_string();
        let diagnosis = if p.misuse {
            format!("{};DF102", p.main_diagnosis)
        } else {
            p.main_diagnosis.to_string()
        };
        let night = !(8..16).contains(&chrono::Timelike::hour(&start));
        let relative = self.note_person();
        let phone = self.phone();
        rows.push(Row {
            start: show(start),
            end: show(end),
            sector: "region",
            kind: "ward_admission",
            priority: if acute { "acute" } else { "planned" },
            diagnosis,
            unit: ward.clone(),
            organisation: "Regionspsykiatrien Midt".into(),
            court_ordered: p.court_ordered,
            note: format!(
                "Indlagt {}. Pt. fortæller at {relative} ({phone}) er bekymret. Pt.s CPR {} bekræftet ved ankomst.",
                if acute { "akut" } else { "planlagt" },
                p.cpr
            ),
            ..base.clone()
        });
        if acute {
            let roll = self.rng.random_range(0..100);
            if night && roll < 55 {
                let t = start - Duration::minutes(self.rng.random_range(40..180));
                let row = visit(
                    base,
                    t,
                    Duration::minutes(20),
                    ("out_of_hours", "out_of_hours_doctor", "acute"),
                    "Lægevagten",
                    format!(
                        "Opringning kl. {}. Angst og uro. Henvist til psykiatrisk akutmodtagelse.",
                        t.format("%H:%M")
                    ),
                );
                rows.push(Row {
                    organisation: "Lægevagten Region Midtjylland".into(),
                    ..row
                });
            } else if roll < 40 {
                let t = at(start.date(), 9, self.rng.random_range(0..50));
                if t < start {
                    rows.push(visit(
                        base,
                        t,
                        Duration::minutes(15),
                        ("general_practice", "gp_consultation", "acute"),
                        "Egen læge",
                        "Akut konsultation, forværring. Henvist.",
                    ));
                }
            }
            if self.rng.random_range(0..100) < 15 {
                let t = start - Duration::minutes(self.rng.random_range(30..120));
                let address = self.address();
                let row = visit(
                    base,
                    t,
                    Duration::minutes(45),
                    ("police", "police_report", "acute"),
                    "Døgnrapport",
                    format!(
                        "Anmeldelse fra nabo, {address}. Person urolig på trappeopgang. Kørt til psykiatrien."
                    ),
                );
                rows.push(Row {
                    organisation: "Østjyllands Politi".into(),
                    ..row
                });
            }
            if self.rng.random_range(0..100) < 35 {
                let t = start - Duration::minutes(self.rng.random_range(10..40));
                rows.push(Row {
                    start: show(t),
                    end: show(start),
                    sector: "region",
                    kind: "psychiatric_emergency",
                    priority: "acute",
                    unit: "Psykiatrisk Akutmodtagelse".into(),
                    note: "Vurderet i akutmodtagelsen, indlægges.".into(),
                    ..base.clone()
                });
            }
            if self.rng.random_range(0..100) < 30 {
                let relative = self.note_person();
                rows.push(Row {
                    start: show(end),
                    sector: "region",
                    kind: "outpatient_visit",
                    priority: "planned",
                    unit: "Distriktspsykiatrien".into(),
                    plan: "discharge_agreement",
                    plan_action: if self.rng.random_bool(0.5) {
                        "created"
                    } else {
                        "revised"
                    },
                    note: format!(
                        "Udskrivningsaftale med kommunen og {relative}. Opfølgning aftalt."
                    ),
                    ..base.clone()
                });
            }
        }
        if self.rng.random_range(0..100) < 70 {
            let t = at(
                end.date() + Duration::days(self.rng.random_range(3..11)),
                self.rng.random_range(8..15),
                0,
            );
            rows.push(visit(
                base,
                t,
                Duration::minutes(45),
                ("region", "outpatient_visit", "planned"),
                "Distriktspsykiatrien",
                "Opfølgning efter udskrivelse.",
            ));
        }
        if self.rng.random_range(0..100) < 25 {
            let t = at(
                end.date() + Duration::days(self.rng.random_range(5..21)),
                self.rng.random_range(8..15),
                30,
            );
            let phone = self.phone();
            rows.push(visit(
                base,
                t,
                Duration::minutes(15),
                ("general_practice", "gp_consultation", "planned"),
                "Egen læge",
                format!("Medicingennemgang. Pt. kan kontaktes på {phone}."),
            ));
        }
    }

    /// Day `d` of the year (kept inside it), moved on by up to two days.
    fn day_near(&mut self, jan1: NaiveDate, days: i64, d: i64) -> NaiveDate {
        jan1 + Duration::days(d.min(days - 1) + self.rng.random_range(0..3))
    }

    /// A day drawn from `range` of the year, then moved on by up to two days.
    fn random_day(&mut self, jan1: NaiveDate, days: i64, range: std::ops::Range<i64>) -> NaiveDate {
        let d = self.rng.random_range(range);
        self.day_near(jan1, days, d)
    }

    /// Some patients were also admitted the December before: the discharge a January
    /// readmission follows, which stage 1 must not count as an episode of the year.
    fn prior_year(&mut self, p: &Person, base: &Row, jan1: NaiveDate, rows: &mut Vec<Row>) {
        if p.acute.len() < 2 || self.rng.random_range(0..100) >= 25 {
            return;
        }
        let start = at(jan1 - Duration::days(self.rng.random_range(10..25)), 21, 15);
        let end = at(jan1 - Duration::days(self.rng.random_range(3..9)), 11, 0);
        rows.push(Row {
            start: show(start),
            end: show(end),
            sector: "region",
            kind: "ward_admission",
            priority: "acute",
            diagnosis: p.main_diagnosis.to_string(),
            unit: WARDS[0].to_string(),
            note: "Indlagt akut i december.".into(),
            ..base.clone()
        });
    }
}

/// A CPR-shaped number that was never issued: born 1930-1989 and failing modulus 11.
fn invented_cpr(rng: &mut ChaCha8Rng) -> String {
    const WEIGHTS: [u32; 10] = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
    loop {
        let year = rng.random_range(30..90u32);
        let month = rng.random_range(1..13u32);
        let day = rng.random_range(1..29u32);
        let serial = rng.random_range(0..4000u32);
        let text = format!("{day:02}{month:02}{year:02}{serial:04}");
        let sum: u32 = text
            .chars()
            .filter_map(|c| c.to_digit(10))
            .zip(WEIGHTS)
            .map(|(d, w)| d * w)
            .sum();
        if !sum.is_multiple_of(11) {
            return format!("{}-{}", &text[..6], &text[6..]);
        }
    }
}
