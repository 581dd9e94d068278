//! A receipt: one exported file, the signed checkpoint it was made against, and the events it
//! summarises, each with its inclusion proof, signed together.

use casetrail_merkle::{Hash, leaf_hash, verify_inclusion};
use serde::{Deserialize, Serialize};

use crate::checkpoint::CheckpointFile;
use crate::hex;
use crate::{PublicKey, ReceiptError, SignedCheckpoint, Signer};

/// The format name a receipt file carries and this build reads.
pub const RECEIPT_FORMAT: &str = "casetrail-receipt/1";

/// The file a receipt vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// Its file name, as it was written.
    pub name: String,
    /// What it is, in a few words (an audit's findings as CSV, say).
    pub description: String,
    /// BLAKE3 of its bytes (for a report, with the receipt itself taken out: see the docs).
    pub content: [u8; 32],
}

/// An event of the log, shown to be in the checkpoint's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvenEvent {
    /// The event's position in the log.
    pub position: u64,
    /// The record's chain hash: its leaf is `BLAKE3(0x00 ‖ chain_hash)`.
    pub chain_hash: [u8; 32],
    /// The audit path from the event's leaf to the checkpoint's root.
    pub proof: Vec<Hash>,
}

/// A signed statement that a file came from events in a signed checkpoint of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The checkpoint the events are proved against.
    pub checkpoint: SignedCheckpoint,
    /// The file the receipt vouches for.
    pub subject: Subject,
    /// The events the file was made from, each with its inclusion proof.
    pub events: Vec<ProvenEvent>,
    /// Ed25519 signature over the receipt's canonical bytes.
    pub signature: [u8; 64],
}

/// What a verified receipt showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptSummary {
    /// The file's name.
    pub subject: String,
    /// The checkpoint's tree size.
    pub size: u64,
    /// The checkpoint's root, in hex.
    pub root: String,
    /// The signing key's fingerprint.
    pub fingerprint: String,
    /// How many events were proved.
    pub events: usize,
    /// Whether the file's bytes were checked against the receipt too.
    pub content_checked: bool,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SubjectFile {
    name: String,
    description: String,
    blake3: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventFile {
    position: u64,
    chain_hash: String,
    proof: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReceiptFile {
    format: String,
    subject: SubjectFile,
    checkpoint: CheckpointFile,
    events: Vec<EventFile>,
    key_fingerprint: String,
    signature: String,
}

impl Receipt {
    /// Signs a receipt for `subject` over `events`, whose proofs are into `checkpoint`'s tree.
    pub fn make(
        signer: &Signer,
        checkpoint: SignedCheckpoint,
        subject: Subject,
        events: Vec<ProvenEvent>,
    ) -> Receipt {
        let text = signed_text(&checkpoint, &subject, &events);
        Receipt {
            signature: signer.sign(text.as_bytes()),
            checkpoint,
            subject,
            events,
        }
    }

    /// Checks, in this order: the key (against `trusted` when given), the checkpoint's
    /// signature, the receipt's signature, every event's inclusion proof, and, when `content`
    /// is given, that it is the file the receipt was made for.
    pub fn verify(
        &self,
        trusted: Option<&PublicKey>,
        content: Option<&[u8]>,
    ) -> Result<ReceiptSummary, ReceiptError> {
        self.checkpoint.verify(trusted)?;
        let key = &self.checkpoint.public_key;
        key.verify(
            "receipt",
            signed_text(&self.checkpoint, &self.subject, &self.events).as_bytes(),
            &self.signature,
        )?;
        let c = &self.checkpoint.checkpoint;
        for e in &self.events {
            verify_inclusion(
                &leaf_hash(&e.chain_hash),
                e.position,
                c.size,
                &e.proof,
                &c.root,
            )
            .map_err(|source| ReceiptError::NotIncluded {
                position: e.position,
                chain_hash: hex::encode(&e.chain_hash),
                size: c.size,
                source,
            })?;
        }
        if let Some(bytes) = content {
            let found = blake3::hash(bytes);
            if found.as_bytes() != &self.subject.content {
                return Err(ReceiptError::ContentChanged {
                    name: self.subject.name.clone(),
                    expected: hex::encode(&self.subject.content),
                    found: found.to_hex().to_string(),
                });
            }
        }
        Ok(ReceiptSummary {
            subject: self.subject.name.clone(),
            size: c.size,
            root: hex::encode(&c.root.0),
            fingerprint: self.checkpoint.fingerprint(),
            events: self.events.len(),
            content_checked: content.is_some(),
        })
    }

    /// The receipt file's JSON (docs/receipts.md).
    pub fn to_json(&self) -> String {
        let file = ReceiptFile {
            format: RECEIPT_FORMAT.into(),
            subject: SubjectFile {
                name: self.subject.name.clone(),
                description: self.subject.description.clone(),
                blake3: hex::encode(&self.subject.content),
            },
            checkpoint: self.checkpoint.to_file(),
            events: self
                .events
                .iter()
                .map(|e| EventFile {
                    position: e.position,
                    chain_hash: hex::encode(&e.chain_hash),
                    proof: e.proof.iter().map(|h| hex::encode(&h.0)).collect(),
                })
                .collect(),
            key_fingerprint: self.checkpoint.fingerprint(),
            signature: hex::encode(&self.signature),
        };
        serde_json::to_string_pretty(&file).expect("a receipt serialises")
    }

    /// Reads a receipt file; checks its form, not its signature (see `verify`).
    pub fn from_json(text: &str) -> Result<Receipt, ReceiptError> {
        let f: ReceiptFile = serde_json::from_str(text).map_err(|e| ReceiptError::Malformed {
            field: "receipt",
            problem: e.to_string(),
        })?;
        if f.format != RECEIPT_FORMAT {
            return Err(ReceiptError::UnknownFormat {
                expected: RECEIPT_FORMAT,
                found: f.format,
            });
        }
        crate::checkpoint::one_line("subject.name", &f.subject.name)?;
        crate::checkpoint::one_line("subject.description", &f.subject.description)?;
        let checkpoint = SignedCheckpoint::from_file(f.checkpoint)?;
        if f.key_fingerprint != checkpoint.fingerprint() {
            return Err(ReceiptError::Malformed {
                field: "key_fingerprint",
                problem: format!(
                    "{} is not the checkpoint key's fingerprint {}",
                    f.key_fingerprint,
                    checkpoint.fingerprint()
                ),
            });
        }
        let events = f
            .events
            .into_iter()
            .map(|e| {
                Ok(ProvenEvent {
                    position: e.position,
                    chain_hash: hex::decode("events.chain_hash", &e.chain_hash)?,
                    proof: e
                        .proof
                        .iter()
                        .map(|p| hex::decode("events.proof", p).map(Hash))
                        .collect::<Result<_, _>>()?,
                })
            })
            .collect::<Result<_, ReceiptError>>()?;
        Ok(Receipt {
            checkpoint,
            subject: Subject {
                name: f.subject.name,
                description: f.subject.description,
                content: hex::decode("subject.blake3", &f.subject.blake3)?,
            },
            events,
            signature: hex::decode("signature", &f.signature)?,
        })
    }
}

/// The bytes the receipt's signature covers: the checkpoint's signed text by its hash, the
/// subject, and the positions and chain hashes of the events (the proofs need no signature:
/// they are checked against the signed root).
fn signed_text(checkpoint: &SignedCheckpoint, subject: &Subject, events: &[ProvenEvent]) -> String {
    let mut digest = blake3::Hasher::new();
    for e in events {
        digest.update(&e.position.to_be_bytes());
        digest.update(&e.chain_hash);
    }
    format!(
        "{RECEIPT_FORMAT}\ncheckpoint {}\nsignature {}\nsubject {}\ndescription {}\nblake3 {}\nevents {} {}\n",
        blake3::hash(checkpoint.checkpoint.signed_text().as_bytes()).to_hex(),
        hex::encode(&checkpoint.signature),
        subject.name,
        subject.description,
        hex::encode(&subject.content),
        events.len(),
        digest.finalize().to_hex()
    )
}

#[cfg(test)]
mod tests {
    use casetrail_merkle::{MemoryTree, inclusion_proof_of};

    use super::*;
    use crate::{Checkpoint, check_consistency};

    fn chain(i: u64) -> [u8; 32] {
        *blake3::hash(&i.to_be_bytes()).as_bytes()
    }

    fn tree(n: u64) -> MemoryTree {
        let mut t = MemoryTree::new();
        for i in 0..n {
            t.push(leaf_hash(&chain(i)));
        }
        t
    }

    fn checkpoint(signer: &Signer, t: &MemoryTree) -> SignedCheckpoint {
        Checkpoint {
            origin: "test region".into(),
            size: t.size(),
            root: t.root(),
            head: Some(chain(t.size() - 1)),
            made_at: "2026-12-01T12:00:00Z".into(),
        }
        .sign(signer)
    }

    fn receipt(signer: &Signer, content: &[u8]) -> Receipt {
        let t = tree(100);
        let events = [3u64, 50, 99]
            .iter()
            .map(|&p| ProvenEvent {
                position: p,
                chain_hash: chain(p),
                proof: inclusion_proof_of(&t, p, 100).unwrap(),
            })
            .collect();
        Receipt::make(
            signer,
            checkpoint(signer, &t),
            Subject {
                name: "A-answers.csv".into(),
                description: "answers".into(),
                content: *blake3::hash(content).as_bytes(),
            },
            events,
        )
    }

    #[test]
    fn a_receipt_verifies_after_a_round_trip_through_json() {
        let signer = Signer::from_seed([7; 32]);
        let r = receipt(&signer, b"a,b\n1,2\n");
        let back = Receipt::from_json(&r.to_json()).unwrap();
        assert_eq!(back, r);
        let summary = back
            .verify(Some(&signer.public()), Some(b"a,b\n1,2\n"))
            .unwrap();
        assert_eq!((summary.size, summary.events), (100, 3));
        assert!(summary.content_checked);
    }

    #[test]
    fn a_changed_file_a_wrong_key_a_forged_checkpoint_and_a_tampered_event_are_refused() {
        let signer = Signer::from_seed([7; 32]);
        let r = receipt(&signer, b"content");
        let e = r.verify(None, Some(b"c0ntent")).unwrap_err();
        assert!(matches!(e, ReceiptError::ContentChanged { .. }), "{e}");

        let other = Signer::from_seed([8; 32]);
        let e = r.verify(Some(&other.public()), None).unwrap_err();
        assert!(matches!(e, ReceiptError::WrongKey { .. }), "{e}");
        assert!(e.to_string().contains(&other.public().fingerprint()));

        // A forged checkpoint: a bigger tree claimed with the old signature.
        let mut forged = r.clone();
        forged.checkpoint.checkpoint.size = 101;
        let e = forged.verify(None, None).unwrap_err();
        assert!(
            matches!(
                e,
                ReceiptError::BadSignature {
                    what: "checkpoint",
                    ..
                }
            ),
            "{e}"
        );

        // A checkpoint re-signed by another key, presented as ours.
        let mut swapped = r.clone();
        swapped.checkpoint = swapped.checkpoint.checkpoint.clone().sign(&other);
        let e = swapped.verify(Some(&signer.public()), None).unwrap_err();
        assert!(matches!(e, ReceiptError::WrongKey { .. }), "{e}");

        // A tampered event: its chain hash changed, so the receipt's signature fails...
        let mut tampered = r.clone();
        tampered.events[1].chain_hash[0] ^= 1;
        let e = tampered.verify(None, None).unwrap_err();
        assert!(
            matches!(
                e,
                ReceiptError::BadSignature {
                    what: "receipt",
                    ..
                }
            ),
            "{e}"
        );
        // ... and re-signed by whoever changed it, its proof still fails against the root.
        let resigned = Receipt::make(
            &signer,
            tampered.checkpoint.clone(),
            tampered.subject.clone(),
            tampered.events.clone(),
        );
        let e = resigned.verify(None, None).unwrap_err();
        assert!(
            matches!(e, ReceiptError::NotIncluded { position: 50, .. }),
            "{e}"
        );
        assert!(e.to_string().contains("position 50"));
    }

    #[test]
    fn a_receipt_embedded_in_html_covers_the_page_around_it() {
        let signer = Signer::from_seed([7; 32]);
        let page = format!("<html><body><p>Fund</p>{}</body></html>", crate::MARKER);
        let r = receipt(&signer, page.as_bytes());
        let html = crate::embed_in_html(&page, &r).unwrap();
        assert!(!html.contains(crate::MARKER));
        let (back, content) = crate::extract_from_html(&html).unwrap().unwrap();
        assert_eq!(content, page);
        assert!(back.verify(None, Some(content.as_bytes())).is_ok());
        // A changed finding in the page is caught.
        let edited = html.replace("Fund", "Fond");
        let (back, content) = crate::extract_from_html(&edited).unwrap().unwrap();
        let e = back.verify(None, Some(content.as_bytes())).unwrap_err();
        assert!(matches!(e, ReceiptError::ContentChanged { .. }), "{e}");
        assert!(crate::extract_from_html("<html></html>").unwrap().is_none());
        assert!(crate::embed_in_html("<html></html>", &r).is_err());
    }

    #[test]
    fn malformed_receipts_say_which_field() {
        let signer = Signer::from_seed([7; 32]);
        let json = receipt(&signer, b"x").to_json();
        let e = Receipt::from_json(&json.replace("casetrail-receipt/1", "other/9")).unwrap_err();
        assert!(matches!(e, ReceiptError::UnknownFormat { .. }), "{e}");
        let e = Receipt::from_json("{").unwrap_err();
        assert!(e.to_string().starts_with("receipt:"), "{e}");
        let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
        v["checkpoint"]["root"] = "abc".into();
        let e = Receipt::from_json(&v.to_string()).unwrap_err();
        assert!(e.to_string().starts_with("root:"), "{e}");
    }

    #[test]
    fn consistency_holds_for_appends_and_fails_for_a_rewound_or_rewritten_log() {
        let signer = Signer::from_seed([1; 32]);
        let newest = tree(90);
        let old = checkpoint(&signer, &tree(40));
        let new = checkpoint(&signer, &newest);
        let proof = casetrail_merkle::consistency_proof_of(&newest, 40, 90).unwrap();
        assert_eq!(
            check_consistency(&old, &new, &proof, Some(&signer.public())),
            Ok(())
        );
        let e = check_consistency(&new, &old, &[], None).unwrap_err();
        assert!(
            matches!(e, ReceiptError::Rewound { old: 90, new: 40 }),
            "{e}"
        );
        // Another history of 90 events whose first 40 differ.
        let mut rewritten = MemoryTree::new();
        for i in 0..90u64 {
            rewritten.push(leaf_hash(&chain(i + 1000)));
        }
        let other = checkpoint(&signer, &rewritten);
        let proof = casetrail_merkle::consistency_proof_of(&rewritten, 40, 90).unwrap();
        let e = check_consistency(&old, &other, &proof, None).unwrap_err();
        assert!(matches!(e, ReceiptError::Inconsistent { .. }), "{e}");
        assert!(e.to_string().contains("rewritten"), "{e}");
    }
}
