//! `quotawatch extract`: read one document (a file or standard input), run the extractor
//! and print what it finds as quota-feed/1. Touches no store and no source: it is how a
//! trader checks a feed before configuring it.

use std::io::{Read as _, Write as _};
use std::process::ExitCode;

use chrono::NaiveDate;

use crate::cli::{ExportFormat, ExtractArgs, TierArg};
use crate::extract::{self, Options, Tier, document, output};

/// Documents larger than this are refused rather than read into memory.
const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// Runs the command. Exit 0 even when nothing is found; an unreadable input is an error
/// naming the input (exit 1).
pub fn run(args: &ExtractArgs) -> Result<ExitCode, String> {
    let published = args
        .published
        .as_deref()
        .map(|d| {
            NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                .map_err(|_| format!("--published {d:?}: expected YYYY-MM-DD"))
        })
        .transpose()?;
    let (name, bytes) = read_input(args)?;
    let mut doc = document::parse(&bytes, args.charset.as_deref()).map_err(|e| format!("{name}: {e}"))?;
    for item in &mut doc.items {
        item.published = item.published.or(published);
    }
    let tier = match args.tier {
        TierArg::Official => Tier::Official,
        TierArg::Reported => Tier::Reported,
        TierArg::Estimate => Tier::Estimate,
    };
    let found = extract::extract(&doc.items, &Options { tier });
    if args.explain {
        eprint!("{}", output::explain(&found));
    }
    let mut stdout = std::io::stdout().lock();
    let written = match args.format {
        ExportFormat::Json => output::write_json(&found, &mut stdout),
        ExportFormat::Csv => stdout.write_all(output::to_csv(&found).as_bytes()),
    };
    // A closed pipe (`extract feed.xml | head`) is the reader's choice, not a failure.
    if let Err(e) = written.and_then(|()| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(format!("cannot write to stdout: {e}"));
    }
    // The process ends here: the memory goes back with it, faster than freeing each item.
    std::mem::forget(doc);
    std::mem::forget(found);
    std::mem::forget(bytes);
    Ok(ExitCode::SUCCESS)
}

fn read_input(args: &ExtractArgs) -> Result<(String, Vec<u8>), String> {
    let mut bytes = Vec::new();
    match args.input.as_deref().filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            let name = path.display().to_string();
            let file = std::fs::File::open(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
            // Sized once: growing by doubling copies a large feed several times over.
            let size = file.metadata().map_or(0, |m| m.len()).min(MAX_INPUT_BYTES + 1);
            bytes.reserve_exact(usize::try_from(size).unwrap_or(0) + 1);
            file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes).map_err(|e| format!("{name}: cannot read: {e}"))?;
            check_size(&name, &bytes)?;
            Ok((name, bytes))
        }
        None => {
            std::io::stdin()
                .take(MAX_INPUT_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("standard input: cannot read: {e}"))?;
            check_size("standard input", &bytes)?;
            Ok(("standard input".to_owned(), bytes))
        }
    }
}

fn check_size(name: &str, bytes: &[u8]) -> Result<(), String> {
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(format!("{name}: larger than {} MiB", MAX_INPUT_BYTES >> 20));
    }
    Ok(())
}
