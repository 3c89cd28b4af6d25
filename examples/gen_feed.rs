//! Writes a large, deterministic quota-feed/1 document for benchmarks: the same arguments
//! always give the same bytes.
//!
//! ```sh
//! cargo run --release --example gen_feed -- --rows 1000000 --commodities 4 --seed 7 --out /tmp/quotas-1m.csv
//! cargo run --release --example gen_feed -- --rows 100000 --format json > /tmp/quotas-100k.json
//! ```
//!
//! Shape: `--commodities` commodities (rare-earths, tungsten, antimony, ...), `--years`
//! years ending in 2024, batches 1 and 2 of every year but the last (which has batch 1
//! only, so year-to-date growth is exercised). Each announcement has a published
//! `total` / `*` row per stage and one row per holder (a company in a province) per
//! stage and category; the rows are spread evenly so the document has exactly `--rows`
//! quota rows. Totals equal the sum of their parts, so no data-quality flags are raised.

#[path = "support/feedgen.rs"]
mod feedgen;

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Encoding {
    Csv,
    Json,
}

/// Generate a large quota-feed/1 document (CSV or JSON) for benchmarks.
#[derive(Debug, Parser)]
struct Args {
    /// Quota rows in the whole document
    #[arg(long, default_value_t = 1_000_000)]
    rows: u64,
    /// How many commodities (rare-earths first)
    #[arg(long, default_value_t = 4)]
    commodities: usize,
    /// Seed of the pseudo-random tonnes
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Years, ending in 2024 (fewer when there are too few rows for that many announcements)
    #[arg(long, default_value_t = 25)]
    years: u16,
    /// Encoding [default: from the extension of --out, else csv]
    #[arg(long)]
    format: Option<Encoding>,
    /// Where to write [default: standard output]
    #[arg(long)]
    out: Option<PathBuf>,
}

fn main() -> Result<(), String> {
    let args = Args::parse();
    let encoding = args.format.unwrap_or_else(|| match args.out.as_ref().and_then(|p| p.extension()) {
        Some(ext) if ext.eq_ignore_ascii_case("json") => Encoding::Json,
        _ => Encoding::Csv,
    });
    let shape = feedgen::Shape { rows: args.rows, commodities: args.commodities, seed: args.seed, years: args.years };
    let announcements = feedgen::plan(&shape)?;
    let sink: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?),
        None => Box::new(io::stdout().lock()),
    };
    let mut out = BufWriter::with_capacity(1 << 20, sink);
    let written = match encoding {
        Encoding::Csv => feedgen::write_csv(&mut out, &announcements),
        Encoding::Json => feedgen::write_json(&mut out, &announcements),
    };
    written.and_then(|()| out.flush()).map_err(|e| format!("writing the feed: {e}"))
}
