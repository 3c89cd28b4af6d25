//! Any bytes as a quota-feed/1 CSV document.
#![no_main]

mod check;

use libfuzzer_sys::fuzz_target;
use quotawatch::feed::{self, Format};

fuzz_target!(|data: &[u8]| {
    check::check(&feed::parse("fuzz", Format::Csv, data, 1 << 20));
});
