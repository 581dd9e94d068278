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
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value's code, as stored and as extracts spell it.
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Reads a code (surrounding spaces allowed).
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
        /// The municipality: social psychiatry, home care, housing, job centre.
        Municipality = "municipality",
        /// General practice.
        GeneralPractice = "general_practice",
        /// The out-of-hours doctor (lægevagten, 1813 in the Capital Region).
        OutOfHours = "out_of_hours",
        /// The police.
        Police = "police",
        /// Any other actor.
        Other = "other",
    }
);

vocabulary!(
    /// What kind of contact it was.
    ContactKind {
        /// An admission to a psychiatric ward.
        WardAdmission = "ward_admission",
        /// A visit to outpatient psychiatry.
        OutpatientVisit = "outpatient_visit",
        /// A visit to the psychiatric emergency room.
        PsychiatricEmergency = "psychiatric_emergency",
        /// A visit to a somatic emergency department.
        EmergencyDepartment = "emergency_department",
        /// A consultation with the GP.
        GpConsultation = "gp_consultation",
        /// A contact with the out-of-hours doctor.
        OutOfHoursDoctor = "out_of_hours_doctor",
        /// A police call-out or report.
        PoliceReport = "police_report",
        /// Supported housing (botilbud) or floating housing support (bostøtte).
        HousingSupport = "housing_support",
        /// Home care or home nursing.
        HomeCare = "home_care",
        /// Treatment for substance misuse.
        AddictionTreatment = "addiction_treatment",
        /// A contact with the job centre.
        JobCentre = "job_centre",
        /// A contact with the municipal case worker.
        CaseWorker = "case_worker",
        /// A meeting of the actors around the patient.
        NetworkMeeting = "network_meeting",
        /// Brugerstyret seng: not counted as an admission episode in stage 1.
        UserControlledBed = "user_controlled_bed",
    }
);

vocabulary!(
    /// Whether a contact or admission was acute or planned.
    Priority {
        /// Acute: not planned ahead.
        Acute = "acute",
        /// Planned (elective).
        Planned = "planned",
    }
);

vocabulary!(
    /// Sex as registered (from the CPR number).
    Sex {
        /// Female.
        Female = "female",
        /// Male.
        Male = "male",
    }
);

vocabulary!(
    /// The plans that coordinate care across sectors.
    PlanKind {
        /// The hospital's treatment plan.
        TreatmentPlan = "treatment_plan",
        /// Udskrivningsaftale, Psychiatry Act §13a.
        DischargeAgreement = "discharge_agreement",
        /// Koordinationsplan, Psychiatry Act §13b.
        CoordinationPlan = "coordination_plan",
        /// Koordinerende indsatsplan (KIP), for mental illness with substance misuse.
        CoordinatedPlan = "coordinated_plan",
        /// A crisis plan agreed with the patient.
        CrisisPlan = "crisis_plan",
        /// A rehabilitation plan.
        RehabilitationPlan = "rehabilitation_plan",
        /// The municipality's plan for support (handleplan, Service Act §141).
        MunicipalSupportPlan = "municipal_support_plan",
    }
);

vocabulary!(
    /// What a plan change did.
    PlanAction {
        /// The plan was made.
        Created = "created",
        /// The plan was revised.
        Revised = "revised",
        /// The plan ended.
        Ended = "ended",
    }
);

vocabulary!(
    /// What a hospital notification (MedCom's Sygehusadvis) told the municipality. A revision
    /// or a cancellation is not an activity of its own: it is a correction of the notification
    /// it revises or cancels.
    HospitalActivity {
        /// The patient arrived at an emergency department (akut ambulant, STAA).
        AdmitEmergency = "admit_emergency",
        /// The patient was admitted (indlagt, STIN).
        AdmitInpatient = "admit_inpatient",
        /// Leave began (STOR).
        StartLeave = "start_leave",
        /// Leave ended (SLOR).
        EndLeave = "end_leave",
        /// The emergency stay ended (SLHJ, akut ambulant).
        DischargeEmergency = "discharge_emergency",
        /// The admission ended (SLHJ, indlagt).
        DischargeInpatient = "discharge_inpatient",
    }
);

vocabulary!(
    /// Where a piece of case material comes from.
    MaterialSource {
        /// The hospital psychiatry record.
        PsychiatricRecord = "psychiatric_record",
        /// The GP's record.
        GeneralPractice = "general_practice",
        /// The out-of-hours doctor's record.
        OutOfHoursDoctor = "out_of_hours_doctor",
        /// A police report.
        PoliceReport = "police_report",
        /// The municipality's journal notes.
        MunicipalNotes = "municipal_notes",
        /// The diary of a supported housing service.
        HousingDiary = "housing_diary",
        /// The addiction treatment's record.
        AddictionTreatment = "addiction_treatment",
        /// The job centre's record.
        JobCentre = "job_centre",
        /// The patient's own account.
        PatientComment = "patient_comment",
    }
);

vocabulary!(
    /// Who a person known to the case is: a relative or friend, or a professional by role.
    PersonRole {
        /// Mother.
        Mother = "mother",
        /// Father.
        Father = "father",
        /// Brother or sister.
        Sibling = "sibling",
        /// Spouse or partner.
        Partner = "partner",
        /// Son or daughter.
        Child = "child",
        /// Another relative.
        OtherRelative = "other_relative",
        /// A friend or neighbour.
        Friend = "friend",
        /// The patient's GP.
        GeneralPractitioner = "general_practitioner",
        /// An out-of-hours doctor.
        OutOfHoursDoctor = "out_of_hours_doctor",
        /// A psychiatrist.
        Psychiatrist = "psychiatrist",
        /// A nurse or other treating professional in hospital psychiatry.
        WardStaff = "ward_staff",
        /// Ambulant behandler: outpatient psychiatry, a psychologist, an OPUS or F-ACT team.
        OutpatientTherapist = "outpatient_therapist",
        /// Staff of a supported housing service.
        HousingStaff = "housing_staff",
        /// A home care nurse.
        HomeCareNurse = "home_care_nurse",
        /// A municipal case worker.
        CaseWorker = "case_worker",
        /// A counsellor in addiction treatment.
        AddictionCounsellor = "addiction_counsellor",
        /// A police officer.
        PoliceOfficer = "police_officer",
        /// Any other professional.
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
