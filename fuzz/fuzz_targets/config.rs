//! Any text as a config file: parsed and validated, never a panic; every validation problem
//! names its key.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use quotawatch::config::{self, ConfigError, ConfigOrigin};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(ConfigError::Invalid { problems, .. }) = config::parse(text, ConfigOrigin::BuiltIn, Path::new(".")) {
        for problem in problems {
            assert!(problem.starts_with("sources["), "{problem}");
        }
    }
});
