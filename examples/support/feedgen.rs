//! The feed generator shared by `examples/gen_feed.rs` and the benchmarks: a large,
//! deterministic quota-feed/1 document (the same shape and seed always give the same bytes).
//! See `gen_feed.rs` for the shape.

use std::fmt::Write as _;
use std::io::{self, Write};

const LAST_YEAR: u16 = 2024;
const NAMED: [&str; 8] =
    ["rare-earths", "tungsten", "antimony", "molybdenum", "tin", "fluorspar", "graphite", "gallium"];
const PROVINCES: [&str; 10] =
    ["Inner Mongolia", "Jiangxi", "Guangdong", "Fujian", "Sichuan", "Shandong", "Hunan", "Guangxi", "Yunnan", "Gansu"];
const STAGES: [&str; 2] = ["mining", "smelting-separation"];

/// splitmix64: tiny, fast and good enough for test data; no dependency.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `low..high`.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low).max(1)
    }
}

fn commodity_name(index: usize) -> String {
    NAMED.get(index).map_or_else(|| format!("metal-{index}"), |name| (*name).to_owned())
}

fn categories(commodity: &str) -> [&'static str; 2] {
    if commodity == "rare-earths" { ["light", "medium-heavy"] } else { ["primary", "by-product"] }
}

fn holder_name(index: usize) -> String {
    format!("{} Quota Holder {index:05}", PROVINCES[index % PROVINCES.len()])
}

/// One quota row: stage, category, holder, tonnes.
type Row = (&'static str, &'static str, String, u64);

#[derive(Debug)]
pub struct Announcement {
    commodity: String,
    year: u16,
    batch: u8,
    published: String,
    rows: Vec<Row>,
}

/// The rows of one announcement: holders spread over (stage, category), then each stage's total.
fn announcement_rows(rng: &mut SplitMix64, commodity: &str, year_index: u16, batch: u8, rows: u64) -> Vec<Row> {
    let cats = categories(commodity);
    let combos: Vec<(&'static str, &'static str)> =
        STAGES.iter().flat_map(|s| cats.iter().map(move |c| (*s, *c))).collect();
    let totals = rows.min(STAGES.len() as u64);
    let holder_rows = rows - totals;
    let mut out = Vec::with_capacity(rows as usize);
    let mut stage_sums = [0u64; 2];
    for (i, (stage, category)) in combos.iter().enumerate() {
        let n = holder_rows / combos.len() as u64 + u64::from((i as u64) < holder_rows % combos.len() as u64);
        for holder in 0..n as usize {
            // Quotas grow a little each year; batch 2 is about half of batch 1.
            let base = 200 + (holder as u64 * 37) % 4_000 + u64::from(year_index) * 25;
            let tonnes = rng.between(base, base + base / 5 + 1) / u64::from(batch);
            stage_sums[usize::from(*stage != STAGES[0])] += tonnes;
            out.push((*stage, *category, holder_name(holder), tonnes));
        }
    }
    for (i, stage) in STAGES.iter().take(totals as usize).enumerate() {
        let total = if stage_sums[i] > 0 { stage_sums[i] } else { rng.between(1_000, 100_000) };
        out.push((stage, "total", "*".to_owned(), total));
    }
    out
}

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Quota rows in the whole document.
    pub rows: u64,
    pub commodities: usize,
    pub seed: u64,
    /// Years ending in 2024 (fewer when there are too few rows for that many announcements).
    pub years: u16,
}

/// The announcements of a document of `args`'s shape, in document order.
pub fn plan(args: &Shape) -> Result<Vec<Announcement>, String> {
    if args.commodities == 0 || args.rows < args.commodities as u64 {
        return Err("need --commodities >= 1 and --rows >= --commodities".into());
    }
    // Batches 1 and 2 for every year but the last, which has batch 1 only.
    let announcements_per_commodity = |years: u16| u64::from(years) * 2 - 1;
    let mut years = args.years.clamp(1, LAST_YEAR - 1990 + 1);
    while years > 1 && args.rows < args.commodities as u64 * announcements_per_commodity(years) {
        years -= 1;
    }
    let first_year = LAST_YEAR + 1 - years;
    let mut keys = Vec::new();
    for c in 0..args.commodities {
        for year in first_year..=LAST_YEAR {
            let batches: &[u8] = if year == LAST_YEAR { &[1] } else { &[1, 2] };
            keys.extend(batches.iter().map(|b| (c, year, *b)));
        }
    }
    let count = keys.len() as u64;
    let mut rng = SplitMix64(args.seed);
    let announcements = keys
        .into_iter()
        .enumerate()
        .map(|(i, (c, year, batch))| {
            let commodity = commodity_name(c);
            let rows = args.rows / count + u64::from((i as u64) < args.rows % count);
            let published = if batch == 1 { format!("{year}-03-{:02}", 1 + c % 28) } else { format!("{year}-08-15") };
            let rows = announcement_rows(&mut rng, &commodity, year - first_year, batch, rows);
            Announcement { commodity, year, batch, published, rows }
        })
        .collect();
    Ok(announcements)
}

pub fn write_csv(out: &mut impl Write, announcements: &[Announcement]) -> io::Result<()> {
    writeln!(out, "commodity,year,batch,published,stage,category,holder,tonnes")?;
    let mut line = String::new();
    for a in announcements {
        for (stage, category, holder, tonnes) in &a.rows {
            line.clear();
            let _ = writeln!(
                line,
                "{},{},{},{},{stage},{category},{holder},{tonnes}",
                a.commodity, a.year, a.batch, a.published
            );
            out.write_all(line.as_bytes())?;
        }
    }
    Ok(())
}

pub fn write_json(out: &mut impl Write, announcements: &[Announcement]) -> io::Result<()> {
    writeln!(out, "{{\n  \"format\": \"quota-feed/1\",\n  \"announcements\": [")?;
    for (i, a) in announcements.iter().enumerate() {
        writeln!(
            out,
            "    {{\"commodity\": \"{}\", \"year\": {}, \"batch\": {}, \"published\": \"{}\", \"title\": \"Batch {} of {} {} quotas (synthetic)\", \"quotas\": [",
            a.commodity, a.year, a.batch, a.published, a.batch, a.year, a.commodity
        )?;
        for (j, (stage, category, holder, tonnes)) in a.rows.iter().enumerate() {
            let comma = if j + 1 < a.rows.len() { "," } else { "" };
            writeln!(
                out,
                "      {{\"stage\": \"{stage}\", \"category\": \"{category}\", \"holder\": \"{holder}\", \"tonnes\": {tonnes}}}{comma}"
            )?;
        }
        let comma = if i + 1 < announcements.len() { "," } else { "" };
        writeln!(out, "    ]}}{comma}")?;
    }
    writeln!(out, "  ]\n}}")
}
