//! The closed vocabularies of a pathway: sectors, kinds of contact, plans, sources of material.
//! Serialised in snake_case, which is also how extracts spell them.

use serde::{Deserialize, Serialize};

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<$name> {
                let text = text.trim();
                $name::ALL.iter().copied().find(|v| v.as_str() == text)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary!(
    /// Who a contact was with.
    Sector {
        /// Hospital psychiatry and the other regional services.
        Region = "region",
        Municipality = "municipality",
        GeneralPractice = "general_practice",
        OutOfHours = "out_of_hours",
        Police = "police",
        Other = "other",
    }
);

vocabulary!(
    /// What kind of contact it was.
    ContactKind {
        WardAdmission = "ward_admission",
        OutpatientVisit = "outpatient_visit",
        PsychiatricEmergency = "psychiatric_emergency",
        EmergencyDepartment = "emergency_department",
        GpConsultation = "gp_consultation",
        OutOfHoursDoctor = "out_of_hours_doctor",
        PoliceReport = "police_report",
        /// Supported housing (botilbud) or floating housing support (bostøtte).
        HousingSupport = "housing_support",
        HomeCare = "home_care",
        AddictionTreatment = "addiction_treatment",
        JobCentre = "job_centre",
        CaseWorker = "case_worker",
        NetworkMeeting = "network_meeting",
        /// Brugerstyret seng: not counted as an admission episode in stage 1.
        UserControlledBed = "user_controlled_bed",
    }
);

vocabulary!(
    Priority {
        Acute = "acute",
        Planned = "planned",
    }
);

vocabulary!(
    Sex {
        Female = "female",
        Male = "male",
    }
);

vocabulary!(
    /// The plans that coordinate care across sectors.
    PlanKind {
        TreatmentPlan = "treatment_plan",
        /// Udskrivningsaftale, Psychiatry Act §13a.
        DischargeAgreement = "discharge_agreement",
        /// Koordinationsplan, Psychiatry Act §13b.
        CoordinationPlan = "coordination_plan",
        /// Koordinerende indsatsplan (KIP), for mental illness with substance misuse.
        CoordinatedPlan = "coordinated_plan",
        CrisisPlan = "crisis_plan",
        RehabilitationPlan = "rehabilitation_plan",
        MunicipalSupportPlan = "municipal_support_plan",
    }
);

vocabulary!(
    PlanAction {
        Created = "created",
        Revised = "revised",
        Ended = "ended",
    }
);

vocabulary!(
    /// Where a piece of case material comes from.
    MaterialSource {
        PsychiatricRecord = "psychiatric_record",
        GeneralPractice = "general_practice",
        OutOfHoursDoctor = "out_of_hours_doctor",
        PoliceReport = "police_report",
        MunicipalNotes = "municipal_notes",
        HousingDiary = "housing_diary",
        AddictionTreatment = "addiction_treatment",
        JobCentre = "job_centre",
        PatientComment = "patient_comment",
    }
);

vocabulary!(
    /// Who a person known to the case is: a relative or friend, or a professional by role.
    PersonRole {
        Mother = "mother",
        Father = "father",
        Sibling = "sibling",
        Partner = "partner",
        Child = "child",
        OtherRelative = "other_relative",
        Friend = "friend",
        GeneralPractitioner = "general_practitioner",
        OutOfHoursDoctor = "out_of_hours_doctor",
        Psychiatrist = "psychiatrist",
        /// A nurse or other treating professional in hospital psychiatry.
        WardStaff = "ward_staff",
        /// Ambulant behandler: outpatient psychiatry, a psychologist, an OPUS or F-ACT team.
        OutpatientTherapist = "outpatient_therapist",
        HousingStaff = "housing_staff",
        HomeCareNurse = "home_care_nurse",
        CaseWorker = "case_worker",
        AddictionCounsellor = "addiction_counsellor",
        PoliceOfficer = "police_officer",
        OtherProfessional = "other_professional",
    }
);

impl PersonRole {
    /// Relatives and friends, as against professionals.
    pub fn is_private(self) -> bool {
        matches!(
            self,
            PersonRole::Mother
                | PersonRole::Father
                | PersonRole::Sibling
                | PersonRole::Partner
                | PersonRole::Child
                | PersonRole::OtherRelative
                | PersonRole::Friend
        )
    }
}

vocabulary!(
    /// What a facilitator decided about a term the redactor left but that still looks
    /// identifying.
    RiskDecision {
        /// Not identifying here: keep it.
        Accept = "accept",
        /// Redact it wherever it occurs in the case.
        Redact = "redact",
    }
);

vocabulary!(
    /// How dates appear in an anonymised timeline.
    DatePolicy {
        /// Days relative to the index admission (day 0), with time of day and weekday.
        RelativeDays = "relative_days",
        /// Calendar dates moved by a whole number of weeks derived from the key, per case.
        ShiftedWeeks = "shifted_weeks",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_term_round_trips_through_text_and_json() {
        for kind in ContactKind::ALL {
            assert_eq!(ContactKind::parse(kind.as_str()), Some(*kind));
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(Sector::parse(" police "), Some(Sector::Police));
        assert_eq!(Sector::parse("Police"), None);
        assert_eq!(ContactKind::ALL.len(), 14);
        assert_eq!(PlanKind::ALL.len(), 7);
        assert_eq!(MaterialSource::ALL.len(), 9);
    }
}
