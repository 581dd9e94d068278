//! The stage-1 analysis of one year: admission episodes per patient, acute admissions,
//! readmissions, short stays, evening and night admissions, diagnosis groups.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Serialize, Serializer};

use crate::codes::DiagnosisGroup;
use crate::hospital_stays::Definition;
use crate::ids::PatientId;
use crate::readmission::{Readmission, classify};
use crate::stays::Stay;
use crate::time::DayWindow;

/// Stays of 0 to this many calendar days count as short.
pub const SHORT_STAY_DAYS: i64 = 3;
/// The last row of the episodes table holds this many episodes or more.
pub const TOP_BUCKET: usize = 11;

/// `count` of `of`, shown as a fraction with four decimals (null when `of` is 0).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Share {
    /// How many had the property.
    pub count: u64,
    /// Of how many.
    pub of: u64,
}

impl Share {
    /// The share in ten-thousandths, rounded half up: integer arithmetic, so it is the same
    /// on every machine.
    pub fn basis_points(&self) -> Option<u64> {
        (self.of > 0).then(|| (self.count * 20_000 + self.of) / (2 * self.of))
    }
}

impl Serialize for Share {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.basis_points() {
            Some(bp) => s.serialize_f64(bp as f64 / 10_000.0),
            None => s.serialize_none(),
        }
    }
}

/// One row of the stage-1 table: patients by their number of admission episodes in the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EpisodeRow {
    /// "1" … "10", then "11+".
    pub episodes: String,
    /// Patients with that many episodes.
    pub patients: u64,
    /// Their acute admissions in the year.
    pub acute_admissions: u64,
}

/// Admissions in one diagnosis group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiagnosisRow {
    /// The group.
    pub group: DiagnosisGroup,
    /// Patients with at least one admission in the group (a patient may be in several).
    pub patients: u64,
    /// Admissions in the group.
    pub admissions: u64,
    /// Acute admissions in the group.
    pub acute_admissions: u64,
    /// Acute readmissions in the group.
    pub readmissions: u64,
}

/// The stage-1 analysis of one year, as DEFACTUM's report tabulates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stage1Report {
    /// The calendar year analysed.
    pub year: i32,
    /// Patients by number of admission episodes.
    pub table: Vec<EpisodeRow>,
    /// Patients with at least one admission episode in the year.
    pub patients: u64,
    /// Admissions starting in the year.
    pub admissions: u64,
    /// Acute admissions starting in the year.
    pub acute_admissions: u64,
    /// Acute readmissions starting in the year (the discharge before may be in the year before).
    pub readmissions: u64,
    /// Acute admissions (ended) lasting 0-3 days, of all ended acute admissions.
    pub short_stay_share: Share,
    /// Readmissions (ended) lasting 0-3 days, of all ended readmissions.
    pub readmission_short_stay_share: Share,
    /// Acute admissions starting in the evening or night, of those with a known time.
    pub evening_night_share: Share,
    /// Admissions by diagnosis group.
    pub by_diagnosis: Vec<DiagnosisRow>,
    /// How admissions and readmissions were counted.
    pub definition: Definition,
    /// The definition in words, for a reader of the figures.
    pub definition_text: &'static str,
}

/// Computes the analysis for `year` by the 2017 definition (stays as reported).
pub fn stage1(
    year: i32,
    stays: &BTreeMap<PatientId, Vec<Stay>>,
    window: DayWindow,
) -> Stage1Report {
    stage1_by(year, stays, window, Definition::Stays2017)
}

/// Computes the analysis for `year`, counting admissions by `definition`. User-controlled
/// beds are left out, as in the published figures; stays from other years still count as the
/// discharge a readmission follows.
pub fn stage1_by(
    year: i32,
    stays: &BTreeMap<PatientId, Vec<Stay>>,
    window: DayWindow,
    definition: Definition,
) -> Stage1Report {
    let joined: BTreeMap<PatientId, Vec<Stay>>;
    let stays = match definition {
        Definition::Stays2017 => stays,
        Definition::HospitalStays => {
            joined = stays
                .iter()
                .map(|(p, list)| (p.clone(), definition.counted(list)))
                .collect();
            &joined
        }
    };
    let mut buckets = [(0u64, 0u64); TOP_BUCKET];
    let mut report = Stage1Report {
        year,
        table: Vec::new(),
        patients: 0,
        admissions: 0,
        acute_admissions: 0,
        readmissions: 0,
        short_stay_share: Share::default(),
        readmission_short_stay_share: Share::default(),
        evening_night_share: Share::default(),
        by_diagnosis: Vec::new(),
        definition,
        definition_text: definition.describe(),
    };
    let groups = [
        DiagnosisGroup::Schizophrenia,
        DiagnosisGroup::PersonalityDisorder,
        DiagnosisGroup::Other,
    ];
    let mut by_group: BTreeMap<DiagnosisGroup, (BTreeSet<&PatientId>, DiagnosisRow)> = groups
        .iter()
        .map(|&g| {
            let row = DiagnosisRow {
                group: g,
                patients: 0,
                admissions: 0,
                acute_admissions: 0,
                readmissions: 0,
            };
            (g, (BTreeSet::new(), row))
        })
        .collect();

    for (patient, list) in stays {
        let classes = classify(list);
        let mut episodes = 0usize;
        let mut acute = 0u64;
        for (stay, class) in list.iter().zip(&classes) {
            if stay.user_controlled_bed || stay.start.year() != year {
                continue;
            }
            episodes += 1;
            let readmission = matches!(class, Readmission::Yes { .. });
            let group = stay
                .main_diagnosis()
                .map_or(DiagnosisGroup::Other, |d| d.group());
            let (members, row) = by_group.get_mut(&group).expect("every group has a row");
            members.insert(patient);
            row.admissions += 1;
            if stay.is_acute() {
                acute += 1;
                row.acute_admissions += 1;
                let short = stay.length_days().map(|d| d <= SHORT_STAY_DAYS);
                if let Some(short) = short {
                    report.short_stay_share.of += 1;
                    report.short_stay_share.count += u64::from(short);
                }
                if let Some(evening) = stay.start.in_window(window) {
                    report.evening_night_share.of += 1;
                    report.evening_night_share.count += u64::from(evening);
                }
                if readmission {
                    report.readmissions += 1;
                    row.readmissions += 1;
                    if let Some(short) = short {
                        report.readmission_short_stay_share.of += 1;
                        report.readmission_short_stay_share.count += u64::from(short);
                    }
                }
            }
        }
        if episodes == 0 {
            continue;
        }
        report.patients += 1;
        report.admissions += episodes as u64;
        report.acute_admissions += acute;
        let bucket = &mut buckets[episodes.min(TOP_BUCKET) - 1];
        bucket.0 += 1;
        bucket.1 += acute;
    }
    report.table = buckets
        .iter()
        .enumerate()
        .map(|(i, &(patients, acute_admissions))| EpisodeRow {
            episodes: if i + 1 == TOP_BUCKET {
                format!("{TOP_BUCKET}+")
            } else {
                (i + 1).to_string()
            },
            patients,
            acute_admissions,
        })
        .collect();
    report.by_diagnosis = by_group
        .into_values()
        .map(|(members, mut row)| {
            row.patients = members.len() as u64;
            row
        })
        .collect();
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Icd10, Priority, When};

    fn stay(patient: &str, start: &str, end: &str, acute: bool, diagnosis: &str) -> Stay {
        Stay {
            patient: PatientId::new(patient).unwrap(),
            source: format!("{patient}-{start}"),
            ward: "A".into(),
            start: When::parse(start).unwrap(),
            end: (!end.is_empty()).then(|| When::parse(end).unwrap()),
            priority: if acute {
                Priority::Acute
            } else {
                Priority::Planned
            },
            diagnoses: vec![Icd10::new(diagnosis).unwrap()],
            court_ordered: false,
            user_controlled_bed: false,
        }
    }

    /// Three patients, worked by hand:
    /// - A (F20): 2016-12-20→12-28 acute (last year); 2017-01-10T22:00→01-12 acute (readmission,
    ///   13 days, short, evening); 2017-03-01T10:00→03-20 planned.
    /// - B (F60): twelve acute stays of 1 day, every 20 days from 2017-01-05, starting at 02:00
    ///   (night); each after the first is a readmission (19 days after discharge).
    /// - C (other): 2017-06-01 (date only) → 06-10 acute; plus a user-controlled bed (ignored).
    fn sample() -> BTreeMap<PatientId, Vec<Stay>> {
        let mut a = vec![
            stay("A", "2016-12-20T09:00", "2016-12-28T09:00", true, "DF200"),
            stay("A", "2017-01-10T22:00", "2017-01-12T09:00", true, "DF200"),
            stay("A", "2017-03-01T10:00", "2017-03-20T09:00", false, "DF200"),
        ];
        a.sort_by_key(|s| s.start);
        let start = chrono::NaiveDate::from_ymd_opt(2017, 1, 5).unwrap();
        let b = (0..12)
            .map(|i| {
                let day = start + chrono::Duration::days(20 * i);
                let s = format!("{}T02:00", day.format("%Y-%m-%d"));
                let e = format!(
                    "{}T12:00",
                    (day + chrono::Duration::days(1)).format("%Y-%m-%d")
                );
                stay("B", &s, &e, true, "DF603")
            })
            .collect();
        let mut bed = stay("C", "2017-07-01T20:00", "2017-07-03T09:00", true, "DF321");
        bed.user_controlled_bed = true;
        let c = vec![stay("C", "2017-06-01", "2017-06-10", true, "DF321"), bed];
        [("A", a), ("B", b), ("C", c)]
            .into_iter()
            .map(|(p, s)| (PatientId::new(p).unwrap(), s))
            .collect()
    }

    #[test]
    fn the_table_and_figures_match_the_hand_count() {
        let r = stage1(2017, &sample(), DayWindow::EVENING_NIGHT);
        let row = |n: usize| (r.table[n - 1].patients, r.table[n - 1].acute_admissions);
        assert_eq!(
            row(1),
            (1, 1),
            "C: one episode, acute (the bed does not count)"
        );
        assert_eq!(row(2), (1, 1), "A: two episodes in 2017, one acute");
        assert_eq!(row(11), (1, 12), "B: twelve acute episodes");
        assert_eq!(r.table[10].episodes, "11+");
        assert!((3..=10).all(|n| row(n) == (0, 0)));
        assert_eq!(r.patients, 3);
        assert_eq!(r.admissions, 15);
        assert_eq!(r.acute_admissions, 14);
        assert_eq!(r.readmissions, 1 + 11);
        // short (0-3 days): A's Jan stay (2), B's 12 stays (1 each); C's 9 days is not.
        assert_eq!(r.short_stay_share, Share { count: 13, of: 14 });
        // evening/night: A 22:00 and B 02:00 ×12; C's start has no time and is left out.
        assert_eq!(r.evening_night_share, Share { count: 13, of: 13 });
        assert_eq!(r.readmission_short_stay_share, Share { count: 12, of: 12 });
        let g = |group| {
            r.by_diagnosis
                .iter()
                .find(|d| d.group == group)
                .unwrap()
                .clone()
        };
        let f20 = g(DiagnosisGroup::Schizophrenia);
        assert_eq!(
            (
                f20.patients,
                f20.admissions,
                f20.acute_admissions,
                f20.readmissions
            ),
            (1, 2, 1, 1)
        );
        let f60 = g(DiagnosisGroup::PersonalityDisorder);
        assert_eq!(
            (
                f60.patients,
                f60.admissions,
                f60.acute_admissions,
                f60.readmissions
            ),
            (1, 12, 12, 11)
        );
        let other = g(DiagnosisGroup::Other);
        assert_eq!((other.patients, other.admissions), (1, 1));
    }

    #[test]
    fn another_year_counts_only_its_own_admissions() {
        let r = stage1(2016, &sample(), DayWindow::EVENING_NIGHT);
        assert_eq!(r.patients, 1);
        assert_eq!(r.table[0].patients, 1);
        assert_eq!(r.readmissions, 0);
    }

    #[test]
    fn shares_round_half_up_in_integers_and_serialise_as_numbers() {
        assert_eq!(Share { count: 1, of: 3 }.basis_points(), Some(3333));
        assert_eq!(Share { count: 2, of: 3 }.basis_points(), Some(6667));
        assert_eq!(Share { count: 0, of: 0 }.basis_points(), None);
        let json = serde_json::to_value(stage1(2017, &sample(), DayWindow::EVENING_NIGHT)).unwrap();
        assert_eq!(json["short_stay_share"], serde_json::json!(0.9286));
        assert_eq!(json["table"][10]["episodes"], "11+");
        assert_eq!(json["by_diagnosis"][0]["group"], "F20");
    }
}
