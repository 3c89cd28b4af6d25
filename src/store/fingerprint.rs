//! The store's fingerprints: SHA-256 of a specified canonical encoding, so a fingerprint
//! written by one build is recognised by every later one.
//!
//! A fingerprint is persisted (it keys the `versions` table and marks a source's last
//! document), so it must not depend on a hasher's seed or version: foldhash, used before
//! schema 2, says outright that it is not for persistent formats. SHA-256 (FIPS 180-4) is
//! specified and has published test vectors; with SHA-NI it hashes the 1M-row feed in a few
//! tens of milliseconds. The first 8 bytes of the digest, read big-endian, are the `u64`
//! fingerprint (stored as the SQLite integer with the same bits): the fingerprint only tells
//! a source's documents, or one announcement's versions from one source, apart, so 64 bits
//! are plenty, and an integer column keeps the schema and the API as they were.
//!
//! Canonical encodings (all integers little-endian; a *string* is its UTF-8 byte length as
//! `u32` followed by the bytes):
//!
//! - document: the tag `quotawatch/document/1` and a 0 byte, the format slug (`json` or
//!   `csv`) as a string, then the document's bytes as read.
//! - figures (what [`Announcement::same_figures`] compares): the tag `quotawatch/figures/1`
//!   and a 0 byte, the status slug as a string, the row count as `u64`, then per row in the
//!   announcement's order the stage slug, the category and the holder as strings and the
//!   tonnes as the IEEE 754 binary64 bits (`u64`).
//!
//! Rows are hashed in their order, not sorted: the ledger already recognises the same
//! figures in another order (`same_figures`) and reuses the version it holds, so the store
//! only ever sees one order of a given version, and not sorting keeps a million rows cheap.

use sha2::{Digest, Sha256};

use crate::feed::Format;
use crate::model::Announcement;

/// Domain tag of a document fingerprint.
const DOCUMENT_TAG: &[u8] = b"quotawatch/document/1\0";
/// Domain tag of a figures fingerprint.
const FIGURES_TAG: &[u8] = b"quotawatch/figures/1\0";

/// The fingerprint of a source document: its bytes and format (see the module docs).
pub fn document_fingerprint(format: Format, bytes: &[u8]) -> u64 {
    let mut hasher = Sha256::new();
    hasher.update(DOCUMENT_TAG);
    string(&mut hasher, format.slug());
    hasher.update(bytes);
    first_u64(hasher)
}

/// The fingerprint of an announcement's figures: status and quota rows (see the module docs).
pub fn figures_fingerprint(announcement: &Announcement) -> u64 {
    let mut hasher = Sha256::new();
    hasher.update(FIGURES_TAG);
    string(&mut hasher, announcement.status.slug());
    hasher.update((announcement.quotas.len() as u64).to_le_bytes());
    // One `update` per row: SHA-256 buffers internally, and a row is about 60 bytes.
    let mut row_bytes = Vec::with_capacity(128);
    for row in &announcement.quotas {
        row_bytes.clear();
        for text in [row.stage.slug(), row.category.as_str(), row.holder.as_str()] {
            push_string(&mut row_bytes, text);
        }
        row_bytes.extend(row.tonnes.to_bits().to_le_bytes());
        hasher.update(&row_bytes);
    }
    first_u64(hasher)
}

fn string(hasher: &mut Sha256, text: &str) {
    hasher.update(string_length(text).to_le_bytes());
    hasher.update(text.as_bytes());
}

fn push_string(out: &mut Vec<u8>, text: &str) {
    out.extend(string_length(text).to_le_bytes());
    out.extend(text.as_bytes());
}

/// Strings here are slugs, names and documents bounded by a source's `max_bytes`; one over
/// 4 GiB would have been refused long before.
fn string_length(text: &str) -> u32 {
    u32::try_from(text.len()).unwrap_or(u32::MAX)
}

fn first_u64(hasher: Sha256) -> u64 {
    let digest = hasher.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{QuotaRow, Stage, sample_mining};

    /// FIPS 180-4 example "abc": the hash is SHA-256 itself, not some other function.
    #[test]
    fn sha256_matches_the_published_test_vector() {
        let digest = Sha256::digest(b"abc");
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    // The expected values are the first 8 bytes of `sha256sum` over the canonical encoding
    // written out by hand as hex (see docs/decisions.md, "Store fingerprints"):
    //   echo 71756f746177617463682f646f63756d656e742f3100 03000000 637376 616263 \
    //     | xxd -r -p | sha256sum              # 7688b37df62380ec...
    //   echo 71756f746177617463682f666967757265732f3100 09000000 7075626c6973686564 \
    //     0100000000000000 06000000 6d696e696e67 05000000 746f74616c 01000000 2a \
    //     00000000c07a0041 | xxd -r -p | sha256sum   # 9e15444cf5e005d0...
    // (135000.0 is 0x41007AC000000000 as binary64.)

    #[test]
    fn a_document_fingerprint_is_sha256_of_its_canonical_encoding() {
        assert_eq!(document_fingerprint(Format::Csv, b"abc"), 0x7688_b37d_f623_80ec);
        assert_ne!(document_fingerprint(Format::Json, b"abc"), document_fingerprint(Format::Csv, b"abc"));
    }

    #[test]
    fn a_figures_fingerprint_is_sha256_of_its_canonical_encoding() {
        let a = sample_mining(2024, 1, 0, 135_000.0);
        assert_eq!(figures_fingerprint(&a), 0x9e15_444c_f5e0_05d0);
    }

    #[test]
    fn the_figures_fingerprint_covers_status_and_every_row_field_but_not_metadata() {
        let a = sample_mining(2024, 1, 0, 135_000.0);
        let base = figures_fingerprint(&a);
        let titled = Announcement { title: Some("First batch".into()), revision: 3, ..a.clone() };
        assert_eq!(figures_fingerprint(&titled), base, "title and revision are not figures");
        let mut changed = Vec::new();
        changed.push(Announcement { status: crate::model::Status::Unpublished, ..a.clone() });
        let row = a.quotas[0].clone();
        for edit in [
            QuotaRow { stage: Stage::SmeltingSeparation, ..row.clone() },
            QuotaRow { category: "light".into(), ..row.clone() },
            QuotaRow { holder: "China Rare Earth Group".into(), ..row.clone() },
            QuotaRow { tonnes: 135_000.5, ..row.clone() },
        ] {
            changed.push(Announcement { quotas: vec![edit], ..a.clone() });
        }
        changed.push(Announcement { quotas: vec![row.clone(), row], ..a.clone() });
        for other in &changed {
            assert_ne!(figures_fingerprint(other), base, "{other:?}");
        }
    }
}
