//! Applying corrections: which events still stand, and as what.

use std::collections::{HashMap, HashSet};

use crate::events::{Correction, DomainEvent, EventRef};

/// An event as it stands after corrections, with the history of what was done to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// The original event's ledger id.
    pub id: EventRef,
    /// The event as it stands now (the latest amendment's content).
    pub event: DomainEvent,
    /// The correction events that amended this one, oldest first.
    pub amended_by: Vec<EventRef>,
}

/// What corrections did, for projections that show it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Every event still standing, in log order.
    pub standing: Vec<Standing>,
    /// Retracted events and the correction that retracted each.
    pub retracted: Vec<(EventRef, EventRef)>,
    /// Corrections whose target is not an earlier event of the same patient and kind.
    pub rejected: Vec<EventRef>,
}

/// Applies every correction, in log order, to the events before it. A correction may only
/// touch an earlier event of the same patient, and an amendment must keep the event's kind.
pub fn apply(events: impl IntoIterator<Item = (EventRef, DomainEvent)>) -> Applied {
    let events: Vec<(EventRef, DomainEvent)> = events.into_iter().collect();
    // Only events some correction points at need to be found again: index just those.
    let targeted: HashSet<EventRef> = events
        .iter()
        .filter_map(|(_, e)| match e {
            DomainEvent::Corrected(c) => Some(c.target),
            _ => None,
        })
        .collect();
    let mut out = Applied::default();
    let mut index: HashMap<EventRef, usize> = HashMap::with_capacity(targeted.len());
    let mut live: Vec<Option<Standing>> = Vec::with_capacity(events.len());
    for (id, event) in events {
        if let DomainEvent::Corrected(c) = &event {
            let target = index.get(&c.target).copied();
            let slot = target.and_then(|i| live[i].as_mut().map(|s| (i, s)));
            match (slot, &c.correction) {
                (Some((i, standing)), Correction::Retract)
                    if standing.event.patient() == &c.patient =>
                {
                    out.retracted.push((standing.id, id));
                    live[i] = None;
                }
                (Some((_, standing)), Correction::Amend(replacement))
                    if standing.event.patient() == &c.patient
                        && replacement.patient() == &c.patient
                        && replacement.event_type() == standing.event.event_type() =>
                {
                    standing.event = (**replacement).clone();
                    standing.amended_by.push(id);
                }
                _ => out.rejected.push(id),
            }
            continue;
        }
        if targeted.contains(&id) {
            index.insert(id, live.len());
        }
        live.push(Some(Standing {
            id,
            event,
            amended_by: Vec::new(),
        }));
    }
    out.standing = live.into_iter().flatten().collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Corrected, DischargeRecorded, PatientId, StayId, When};

    fn discharge(patient: &str, end: &str) -> DomainEvent {
        DomainEvent::DischargeRecorded(DischargeRecorded {
            stay: StayId::new("S1").unwrap(),
            patient: PatientId::new(patient).unwrap(),
            end: When::parse(end).unwrap(),
        })
    }

    fn correct(patient: &str, target: u8, correction: Correction) -> DomainEvent {
        DomainEvent::Corrected(Corrected {
            patient: PatientId::new(patient).unwrap(),
            target: EventRef([target; 16]),
            correction,
            reason: None,
        })
    }

    #[test]
    fn amendments_replace_and_retractions_remove_keeping_the_history() {
        let applied = apply([
            (EventRef([1; 16]), discharge("P1", "2017-01-02")),
            (EventRef([2; 16]), discharge("P1", "2017-01-05")),
            (
                EventRef([3; 16]),
                correct(
                    "P1",
                    1,
                    Correction::Amend(Box::new(discharge("P1", "2017-01-03"))),
                ),
            ),
            (EventRef([4; 16]), correct("P1", 2, Correction::Retract)),
        ]);
        assert_eq!(applied.standing.len(), 1);
        assert_eq!(applied.standing[0].id, EventRef([1; 16]));
        assert_eq!(applied.standing[0].event, discharge("P1", "2017-01-03"));
        assert_eq!(applied.standing[0].amended_by, vec![EventRef([3; 16])]);
        assert_eq!(
            applied.retracted,
            vec![(EventRef([2; 16]), EventRef([4; 16]))]
        );
        assert!(applied.rejected.is_empty());
    }

    #[test]
    fn corrections_across_patients_kinds_or_to_unknown_events_are_rejected() {
        let applied = apply([
            (EventRef([1; 16]), discharge("P1", "2017-01-02")),
            (EventRef([2; 16]), correct("P2", 1, Correction::Retract)),
            (EventRef([3; 16]), correct("P1", 9, Correction::Retract)),
            (
                EventRef([4; 16]),
                correct(
                    "P1",
                    1,
                    Correction::Amend(Box::new(correct("P1", 1, Correction::Retract))),
                ),
            ),
            // a correction that arrives before its target does not reach forward
            (EventRef([5; 16]), correct("P1", 6, Correction::Retract)),
            (EventRef([6; 16]), discharge("P1", "2017-02-01")),
        ]);
        assert_eq!(applied.standing.len(), 2);
        assert_eq!(
            applied.rejected,
            vec![
                EventRef([2; 16]),
                EventRef([3; 16]),
                EventRef([4; 16]),
                EventRef([5; 16])
            ]
        );
    }
}
