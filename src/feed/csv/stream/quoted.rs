//! The part of a streamed CSV document that the csv state machine reads (quoted cells,
//! lone `\r` line ends): `csv_core` fed run by run, each record handed on with the line
//! number the csv reader gives it (the line count after the record before).

use csv_core::ReadRecordResult;

/// What a record handed on may give: an error that stops the reading.
pub(super) type R<E> = Result<(), E>;

pub(super) struct Quoted {
    core: csv_core::Reader,
    fields: Vec<u8>,
    ends: Vec<usize>,
    out_len: usize,
    ends_len: usize,
    record_line: u64,
}

impl Quoted {
    /// From line `line` on, at the start of a record.
    pub fn new(line: u64) -> Self {
        let mut core = csv_core::Reader::new();
        core.set_line(line);
        Quoted { core, fields: vec![0; 1024], ends: vec![0; 32], out_len: 0, ends_len: 0, record_line: line }
    }

    /// Reads `input` (the end of the document when empty), handing each record's cells and
    /// line to `record`; stops at the first error `record` gives.
    pub fn feed<E>(&mut self, mut input: &[u8], record: &mut impl FnMut(&Vec<&str>, u64) -> R<E>) -> R<E> {
        let at_end = input.is_empty();
        loop {
            // Empty input tells csv_core the document ended.
            if input.is_empty() && !at_end {
                return Ok(());
            }
            let (result, read, written, ended) =
                self.core.read_record(input, &mut self.fields[self.out_len..], &mut self.ends[self.ends_len..]);
            input = &input[read..];
            self.out_len += written;
            self.ends_len += ended;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => self.fields.resize(self.fields.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                ReadRecordResult::Record => {
                    let fields = &self.fields[..self.out_len];
                    let mut cells: Vec<&str> = Vec::with_capacity(self.ends_len);
                    let mut start = 0;
                    for &end in &self.ends[..self.ends_len] {
                        // The input was checked as UTF-8, and csv_core only drops ASCII quotes from it.
                        cells.push(std::str::from_utf8(&fields[start..end]).unwrap_or_default());
                        start = end;
                    }
                    record(&cells, self.record_line)?;
                    (self.out_len, self.ends_len, self.record_line) = (0, 0, self.core.line());
                }
                ReadRecordResult::End => return Ok(()),
            }
        }
    }
}
