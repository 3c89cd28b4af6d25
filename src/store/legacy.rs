//! The rows layout of schema 1, where each version's blob carried its own copy of the names
//! it uses; read only by the migrations that move a store to the current layout.

use crate::model::{Name, QuotaRow, Stage};

/// One shared copy of each category and holder name across the whole store.
#[derive(Default)]
pub(super) struct Names(foldhash::HashSet<Name>);

impl Names {
    pub(super) fn get(&mut self, text: &str) -> Name {
        if let Some(name) = self.0.get(text) {
            return name.clone();
        }
        let name = Name::from(text);
        self.0.insert(name.clone());
        name
    }
}

/// Quota rows packed: the distinct names first (`u32` count, then each as `u32` length and
/// UTF-8), then `u32` row count and per row the stage (`u8`: 0 mining, 1 smelting-separation),
/// the category's and the holder's name index (`u32` each) and the tonnes (`f64`), all
/// little-endian. A feed repeats a few names on every row: 17 bytes a row.
#[cfg(test)]
pub(super) fn encode_rows(rows: &[QuotaRow]) -> Vec<u8> {
    let mut index: foldhash::HashMap<&str, u32> = foldhash::HashMap::default();
    let mut names: Vec<&str> = Vec::new();
    let mut packed: Vec<(u8, u32, u32, f64)> = Vec::with_capacity(rows.len());
    for row in rows {
        let mut ids = [0u32; 2];
        for (slot, text) in ids.iter_mut().zip([row.category.as_str(), row.holder.as_str()]) {
            *slot = *index.entry(text).or_insert_with(|| {
                names.push(text);
                u32::try_from(names.len() - 1).unwrap_or(u32::MAX)
            });
        }
        packed.push((u8::from(row.stage == Stage::SmeltingSeparation), ids[0], ids[1], row.tonnes));
    }
    let length = |n: usize| u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes();
    let mut out = Vec::with_capacity(8 + names.iter().map(|n| n.len() + 4).sum::<usize>() + packed.len() * 17);
    out.extend(length(names.len()));
    for name in &names {
        out.extend(length(name.len()));
        out.extend(name.as_bytes());
    }
    out.extend(length(packed.len()));
    for (stage, category, holder, tonnes) in packed {
        out.push(stage);
        out.extend(category.to_le_bytes());
        out.extend(holder.to_le_bytes());
        out.extend(tonnes.to_le_bytes());
    }
    out
}

/// A cursor over a packed rows blob.
struct Cursor<'b>(&'b [u8]);

impl<'b> Cursor<'b> {
    fn take(&mut self, n: usize) -> Result<&'b [u8], String> {
        if self.0.len() < n {
            return Err("rows cut short".into());
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }

    fn u32(&mut self) -> Result<usize, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }
}

/// Reads what [`encode_rows`] wrote; a damaged blob is an error, never a panic.
pub(super) fn decode_rows(bytes: &[u8], names: &mut Names) -> Result<Vec<QuotaRow>, String> {
    let mut cursor = Cursor(bytes);
    let count = cursor.u32()?;
    let mut local = Vec::with_capacity(count.min(bytes.len() / 4));
    for _ in 0..count {
        let length = cursor.u32()?;
        let text = std::str::from_utf8(cursor.take(length)?).map_err(|_| "a name is not UTF-8".to_owned())?;
        local.push(names.get(text));
    }
    let rows = cursor.u32()?;
    let mut out = Vec::with_capacity(rows.min(bytes.len() / 17 + 1));
    for _ in 0..rows {
        let stage = match cursor.take(1)?[0] {
            0 => Stage::Mining,
            1 => Stage::SmeltingSeparation,
            other => return Err(format!("stage code {other}")),
        };
        let mut name = || -> Result<Name, String> {
            let index = cursor.u32()?;
            local.get(index).cloned().ok_or_else(|| "a name index is out of range".to_owned())
        };
        let (category, holder) = (name()?, name()?);
        let mut raw = [0u8; 8];
        raw.copy_from_slice(cursor.take(8)?);
        let tonnes = f64::from_le_bytes(raw);
        if !tonnes.is_finite() || tonnes < 0.0 {
            return Err(format!("tonnes {tonnes}"));
        }
        out.push(QuotaRow { stage, category, holder, tonnes });
    }
    if !cursor.0.is_empty() {
        return Err("bytes after the last row".into());
    }
    Ok(out)
}
