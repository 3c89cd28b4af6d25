//! The store's fingerprints: SHA-256 of a specified canonical encoding, so a fingerprint
//! written by one build is recognised by every later one.
//!
//! A fingerprint is persisted (it keys the `versions` table and marks a source's last
//! document), so it must not depend on a hasher's seed or version: foldhash, used before
//! schema 2, says outright that it is not for persistent formats. BLAKE3 is specified, has
//! published test vectors, and with SIMD hashes the 82 MB 1M-row feed in about 15 ms, where
//! SHA-256 (even with SHA-NI) took 60 ms, a third of a warm `report` (a profile found it the
//! top entry). The first 8 bytes of the digest, read big-endian, are the `u64`
//! fingerprint (stored as the SQLite integer with the same bits): the fingerprint only tells
//! a source's documents, or one announcement's versions from one source, apart, so 64 bits
//! are plenty, and an integer column keeps the schema and the API as they were.
//!
//! Canonical encodings, hashed with BLAKE3 (all integers little-endian; a *string* is its UTF-8 byte length as
//! `u32` followed by the bytes):
//!
//! - document: the tag `quotawatch/document/1` and a 0 byte, the format slug (`json` or
//!   `csv`) as a string, then the document's bytes as read.
//! - figures (what the ledger compares to tell a version it holds: [`Announcement::same_figures`]
//!   and the tier): the tag `quotawatch/figures/1` and a 0 byte, the status slug and the
//!   tier slug as strings, the row count as `u64`, then per row in the
//!   announcement's order the stage slug, the category and the holder as strings and the
//!   tonnes as the IEEE 754 binary64 bits (`u64`).
//!
//! Rows are hashed in their order, not sorted: the ledger already recognises the same
//! figures in another order (`same_figures`) and reuses the version it holds, so the store
//! only ever sees one order of a given version, and not sorting keeps a million rows cheap.

use blake3::Hasher;

use crate::feed::Format;
use crate::model::Announcement;

/// Domain tag of a document fingerprint.
const DOCUMENT_TAG: &[u8] = b"quotawatch/document/1\0";
/// Domain tag of a figures fingerprint.
const FIGURES_TAG: &[u8] = b"quotawatch/figures/1\0";

/// The fingerprint of a source document: its bytes and format (see the module docs).
pub fn document_fingerprint(format: Format, bytes: &[u8]) -> u64 {
    let mut hasher = DocumentHasher::new(format);
    hasher.update(bytes);
    hasher.finish()
}

/// [`document_fingerprint`] of a document read piece by piece, so a large file that turns
/// out unchanged is never held whole in memory.
#[derive(Debug)]
pub struct DocumentHasher(Hasher);

impl DocumentHasher {
    pub fn new(format: Format) -> DocumentHasher {
        let mut hasher = Hasher::new();
        hasher.update(DOCUMENT_TAG);
        string(&mut hasher, format.slug());
        DocumentHasher(hasher)
    }

    /// The next bytes of the document; pieces of a MiB or so keep BLAKE3's SIMD busy.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    pub fn finish(self) -> u64 {
        first_u64(self.0)
    }
}

/// The fingerprint of an announcement's figures: status, tier and quota rows (see the module docs).
pub fn figures_fingerprint(announcement: &Announcement) -> u64 {
    let mut hasher = Hasher::new();
    hasher.update(FIGURES_TAG);
    string(&mut hasher, announcement.status.slug());
    string(&mut hasher, announcement.tier.slug());
    hasher.update(&(announcement.quotas.len() as u64).to_le_bytes());
    // The rows encoded whole, then hashed in one call: BLAKE3 hashes many 1 KiB chunks at
    // once with SIMD only when it is given them at once.
    let mut rows = Vec::with_capacity(announcement.quotas.len() * 64);
    for row in &announcement.quotas {
        for text in [row.stage.slug(), row.category.as_str(), row.holder.as_str()] {
            push_string(&mut rows, text);
        }
        rows.extend(row.tonnes.to_bits().to_le_bytes());
    }
    hasher.update(&rows);
    first_u64(hasher)
}

fn string(hasher: &mut Hasher, text: &str) {
    hasher.update(&string_length(text).to_le_bytes());
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

fn first_u64(hasher: Hasher) -> u64 {
    let digest = hasher.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest.as_bytes()[..8]);
    u64::from_be_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{QuotaRow, Stage, sample_mining};

    /// Cases of the BLAKE3 team's `test_vectors.json` (input byte `i` is `i % 251`): the hash
    /// is BLAKE3 itself, through one chunk and through the many-chunk SIMD path.
    #[test]
    fn blake3_matches_the_published_test_vectors() {
        for (length, expected) in [
            (0, "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"),
            (1, "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213"),
            (1024, "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7"),
            (102_400, "bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085"),
        ] {
            let input: Vec<u8> = (0..length).map(|i: usize| (i % 251) as u8).collect();
            assert_eq!(blake3::hash(&input).to_hex().as_str(), expected, "{length} bytes");
        }
    }

    // The expected values are the first 8 bytes of `b3sum` (Debian's, a build independent of
    // this one) over the canonical encoding written out by hand as hex (see
    // docs/decisions.md, "Store fingerprints"):
    //   echo 71756f746177617463682f646f63756d656e742f3100 03000000 637376 616263 \
    //     | xxd -r -p | b3sum              # 5005a03d57a1112d...
    //   echo 71756f746177617463682f666967757265732f3100 09000000 7075626c6973686564 \
    //     08000000 6f6666696369616c 0100000000000000 06000000 6d696e696e67 05000000 \
    //     746f74616c 01000000 2a 00000000c07a0041 | xxd -r -p | b3sum   # 27d12444feb63d06...
    // (135000.0 is 0x41007AC000000000 as binary64.)

    #[test]
    fn a_document_fingerprint_is_blake3_of_its_canonical_encoding() {
        assert_eq!(document_fingerprint(Format::Csv, b"abc"), 0x5005_a03d_57a1_112d);
        assert_ne!(document_fingerprint(Format::Json, b"abc"), document_fingerprint(Format::Csv, b"abc"));
        let mut pieces = DocumentHasher::new(Format::Csv);
        for piece in [&b"a"[..], b"", b"bc"] {
            pieces.update(piece);
        }
        assert_eq!(pieces.finish(), 0x5005_a03d_57a1_112d, "read piece by piece");
    }

    #[test]
    fn a_figures_fingerprint_is_blake3_of_its_canonical_encoding() {
        let a = sample_mining(2024, 1, 0, 135_000.0);
        assert_eq!(figures_fingerprint(&a), 0x27d1_2444_feb6_3d06);
    }

    #[test]
    fn the_figures_fingerprint_covers_status_and_every_row_field_but_not_metadata() {
        let a = sample_mining(2024, 1, 0, 135_000.0);
        let base = figures_fingerprint(&a);
        let titled = Announcement { title: Some("First batch".into()), revision: 3, ..a.clone() };
        assert_eq!(figures_fingerprint(&titled), base, "title and revision are not figures");
        let mut changed = Vec::new();
        changed.push(Announcement { status: crate::model::Status::Unpublished, ..a.clone() });
        changed.push(Announcement { tier: crate::model::Tier::Reported, ..a.clone() });
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
