//! The store's name table: each category and holder name once, with the id the packed
//! rows refer to it by (a feed names the same few hundred holders on every row).

use rusqlite::{Connection, params};

use crate::model::Name;

/// The names as read in one transaction, and those a `record` adds.
#[derive(Default)]
pub(super) struct NameTable {
    /// `by_id[id]`; ids start at 1, so slot 0 stays empty.
    by_id: Vec<Option<Name>>,
    ids: foldhash::HashMap<Name, u64>,
    /// Ids by the address and length of a name's shared text: a parsed feed shares one
    /// copy of each name, so most rows are found without hashing their text. Each entry
    /// holds a clone of the name, so its text cannot be freed and the address reused.
    by_address: foldhash::HashMap<(usize, usize), (u64, Name)>,
    added: Vec<(u64, Name)>,
    /// The two names looked up last, by address, the latest first (each is in `by_address`,
    /// whose clone keeps its text, and so its address, taken).
    recent: [Option<((usize, usize), u64)>; 2],
}

impl NameTable {
    /// Every name stored, by id. A row that is not valid UTF-8 or has an impossible id is left
    /// out: the versions that use it then fail to read, are named and skipped.
    pub fn read(conn: &Connection) -> rusqlite::Result<NameTable> {
        let mut table = NameTable::default();
        let mut select = conn.prepare("SELECT id, name FROM names")?;
        let mut rows = select.query([])?;
        while let Some(row) = rows.next()? {
            let (Ok(id), Ok(text)) = (row.get::<_, i64>(0), row.get::<_, String>(1)) else { continue };
            let Some(slot) = usize::try_from(id).ok().filter(|&i| i > 0 && i < 1 << 24) else { continue };
            if table.by_id.len() <= slot {
                table.by_id.resize(slot + 1, None);
            }
            let name = Name::from(text);
            table.ids.insert(name.clone(), slot as u64);
            table.by_id[slot] = Some(name);
        }
        Ok(table)
    }

    pub fn by_id(&self) -> &[Option<Name>] {
        &self.by_id
    }

    /// The id of `name`, giving it the next free id when it is new (saved by [`NameTable::save_added`]).
    pub fn id_of(&mut self, name: &Name) -> u64 {
        let address = (name.as_str().as_ptr() as usize, name.len());
        // Rows of one category come together, so the category asked for is usually the one
        // asked for two calls before (a holder came between).
        match self.recent {
            [Some((held, id)), _] if held == address => return id,
            [first, Some((held, id))] if held == address => {
                self.recent = [Some((held, id)), first];
                return id;
            }
            _ => {}
        }
        if let Some(&(id, _)) = self.by_address.get(&address) {
            self.recent = [Some((address, id)), self.recent[0]];
            return id;
        }
        let id = match self.ids.get(name) {
            Some(&id) => id,
            None => {
                let id = self.by_id.len().max(1) as u64;
                self.by_id.resize(id as usize + 1, None);
                self.by_id[id as usize] = Some(name.clone());
                self.ids.insert(name.clone(), id);
                self.added.push((id, name.clone()));
                id
            }
        };
        self.by_address.insert(address, (id, name.clone()));
        id
    }

    /// Inserts the names [`NameTable::id_of`] added, in the caller's transaction.
    pub fn save_added(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        let mut insert = conn.prepare_cached("INSERT INTO names (id, name) VALUES (?1, ?2)")?;
        for (id, name) in self.added.drain(..) {
            insert.execute(params![i64::try_from(id).unwrap_or(i64::MAX), name.as_str()])?;
        }
        Ok(())
    }
}
