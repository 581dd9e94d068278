//! Role labels: how people and places appear to a panel. "Botilbud A", "Egen læge",
//! "Vagtlæge 2", "Mor". Places of one role get letters, people of one role get numbers, each in
//! an order drawn from the key per case, so the same actor keeps one label throughout a case
//! and nothing about the label carries over to another case.

use std::collections::BTreeMap;

use casetrail_domain::{ContactKind, PersonRole, Sector};

use crate::pseudonym::PseudonymKey;

/// What kind of place a contact or ward is, in the words a Danish panel uses.
pub fn place_role(kind: ContactKind) -> &'static str {
    match kind {
        ContactKind::WardAdmission => "Sengeafsnit",
        ContactKind::OutpatientVisit => "Ambulant behandler",
        ContactKind::PsychiatricEmergency => "Psykiatrisk akutmodtagelse",
        ContactKind::EmergencyDepartment => "Akutmodtagelse",
        ContactKind::GpConsultation => "Egen læge",
        ContactKind::OutOfHoursDoctor => "Vagtlæge",
        ContactKind::PoliceReport => "Politi",
        ContactKind::HousingSupport => "Botilbud",
        ContactKind::HomeCare => "Hjemmepleje",
        ContactKind::AddictionTreatment => "Misbrugsbehandling",
        ContactKind::JobCentre => "Jobcenter",
        ContactKind::CaseWorker => "Kommunal sagsbehandling",
        ContactKind::NetworkMeeting => "Netværksmøde",
        ContactKind::UserControlledBed => "Brugerstyret seng",
    }
}

/// The Danish label of a person's role.
pub fn person_role(role: PersonRole) -> &'static str {
    match role {
        PersonRole::Mother => "Mor",
        PersonRole::Father => "Far",
        PersonRole::Sibling => "Søskende",
        PersonRole::Partner => "Partner",
        PersonRole::Child => "Barn",
        PersonRole::OtherRelative => "Pårørende",
        PersonRole::Friend => "Ven",
        PersonRole::GeneralPractitioner => "Egen læge",
        PersonRole::OutOfHoursDoctor => "Vagtlæge",
        PersonRole::Psychiatrist => "Psykiater",
        PersonRole::WardStaff => "Afsnitspersonale",
        PersonRole::OutpatientTherapist => "Ambulant behandler",
        PersonRole::HousingStaff => "Botilbudsmedarbejder",
        PersonRole::HomeCareNurse => "Hjemmesygeplejerske",
        PersonRole::CaseWorker => "Sagsbehandler",
        PersonRole::AddictionCounsellor => "Misbrugsbehandler",
        PersonRole::PoliceOfficer => "Betjent",
        PersonRole::OtherProfessional => "Fagperson",
    }
}

/// The Danish name of a sector.
pub fn sector_da(sector: Sector) -> &'static str {
    match sector {
        Sector::Region => "Regionspsykiatri",
        Sector::Municipality => "Kommune",
        Sector::GeneralPractice => "Almen praksis",
        Sector::OutOfHours => "Lægevagt",
        Sector::Police => "Politi",
        Sector::Other => "Andet",
    }
}

/// Roles where one of a kind needs no letter: a patient has one GP.
fn singular(role: &str) -> bool {
    role == "Egen læge"
}

fn letters(n: usize) -> String {
    let mut n = n;
    let mut out = Vec::new();
    loop {
        out.push(char::from(b'A' + (n % 26) as u8));
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    out.iter().rev().collect()
}

/// Hands out labels for one case. Register everyone first, then read the labels.
#[derive(Debug)]
pub struct Labeller<'k> {
    key: &'k PseudonymKey,
    case: String,
    /// (role word, is a place) → subjects of that role.
    roles: BTreeMap<(&'static str, bool), Vec<String>>,
}

impl<'k> Labeller<'k> {
    pub fn new(key: &'k PseudonymKey, case: &str) -> Self {
        Labeller {
            key,
            case: case.to_owned(),
            roles: BTreeMap::new(),
        }
    }

    fn add(&mut self, role: &'static str, place: bool, subject: &str) {
        let subjects = self.roles.entry((role, place)).or_default();
        if !subjects.iter().any(|s| s == subject) {
            subjects.push(subject.to_owned());
        }
    }

    pub fn add_place(&mut self, role: &'static str, subject: &str) {
        self.add(role, true, subject);
    }

    pub fn add_person(&mut self, role: &'static str, subject: &str) {
        self.add(role, false, subject);
    }

    /// Every subject's label, fixed by the keyed order within its role.
    pub fn finish(self) -> BTreeMap<(bool, String), String> {
        let mut out = BTreeMap::new();
        for ((role, place), mut subjects) in self.roles {
            subjects.sort_by_key(|s| self.key.order(&self.case, &format!("{role}\u{1f}{s}")));
            let alone = subjects.len() == 1;
            for (i, subject) in subjects.into_iter().enumerate() {
                let label = match (place, alone) {
                    (_, true) if !place || singular(role) => role.to_string(),
                    (true, _) => format!("{role} {}", letters(i)),
                    (false, _) => format!("{role} {}", i + 1),
                };
                out.insert((place, subject), label);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_run_past_z() {
        assert_eq!(letters(0), "A");
        assert_eq!(letters(25), "Z");
        assert_eq!(letters(26), "AA");
        assert_eq!(letters(27), "AB");
    }

    #[test]
    fn places_get_letters_people_numbers_and_a_lone_gp_none() {
        let key = PseudonymKey::from_bytes([9; 32]);
        let mut l = Labeller::new(&key, "SAG1");
        l.add_place("Botilbud", "Engvej");
        l.add_place("Egen læge", "Lægerne i Søndergade");
        l.add_person("Vagtlæge", "vl1");
        l.add_person("Vagtlæge", "vl2");
        l.add_person("Mor", "mor");
        l.add_place("Botilbud", "Engvej");
        let labels = l.finish();
        assert_eq!(labels[&(true, "Engvej".into())], "Botilbud A");
        assert_eq!(labels[&(true, "Lægerne i Søndergade".into())], "Egen læge");
        assert_eq!(labels[&(false, "mor".into())], "Mor");
        let mut doctors = vec![
            labels[&(false, "vl1".into())].clone(),
            labels[&(false, "vl2".into())].clone(),
        ];
        doctors.sort();
        assert_eq!(doctors, ["Vagtlæge 1", "Vagtlæge 2"]);
    }

    #[test]
    fn the_order_within_a_role_differs_between_cases() {
        let key = PseudonymKey::from_bytes([4; 32]);
        let first_of = |case: &str| {
            let mut l = Labeller::new(&key, case);
            for s in ["a", "b", "c", "d"] {
                l.add_place("Botilbud", s);
            }
            let labels = l.finish();
            labels
                .iter()
                .find(|(_, v)| *v == "Botilbud A")
                .map(|(k, _)| k.1.clone())
                .unwrap()
        };
        let firsts: std::collections::BTreeSet<String> =
            (0..20).map(|i| first_of(&format!("SAG{i}"))).collect();
        assert!(firsts.len() > 1, "the same place was A in every case");
    }
}
