//! Any bytes as a quota-feed/1 JSON document.
#![no_main]

mod check;

use libfuzzer_sys::fuzz_target;
use quotawatch::feed::{self, Format};

fuzz_target!(|data: &[u8]| {
    check::check(&feed::parse("fuzz", Format::Json, data, 1 << 20));
});
