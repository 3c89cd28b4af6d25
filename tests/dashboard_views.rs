//! Every view on screen: snapshots at 120x40 and 80x24 (one styled), the check figures,
//! every word whole at 80x24 and 160x48, and odd sizes. Drawn from the view layer exactly
//! as the loop draws it; the clock is fixed, so no text is volatile.

#[path = "support/screen.rs"]
mod screen;

use quotawatch::ui;

use screen::{press, screen, screen_styled, state};

fn snapshot_both(name: &str, keys: &str) {
    let mut state = state();
    press(&mut state, keys);
    insta::assert_snapshot!(format!("{name}_120x40"), screen(&state, 120, 40));
    insta::assert_snapshot!(format!("{name}_80x24"), screen(&state, 80, 24));
}

#[test]
fn snapshot_overview() {
    snapshot_both("overview", "");
}

#[test]
fn snapshot_overview_smelting() {
    snapshot_both("overview_smelting", "s");
}

#[test]
fn snapshot_stages() {
    snapshot_both("stages", "2");
}

#[test]
fn snapshot_categories() {
    snapshot_both("categories", "2\n");
}

#[test]
fn snapshot_holders() {
    snapshot_both("holders", "2\n\n");
}

#[test]
fn snapshot_holder_history() {
    snapshot_both("holder_history", "2\n\n\n");
}

#[test]
fn snapshot_producers() {
    snapshot_both("producers", "3");
}

#[test]
fn snapshot_sources() {
    snapshot_both("sources", "4");
}

#[test]
fn snapshot_log() {
    snapshot_both("log", "5");
}

#[test]
fn snapshot_timeline() {
    snapshot_both("timeline", "6");
}

/// 2025: figures withheld, the consensus "flat to +5%" pending.
#[test]
fn snapshot_overview_with_a_pending_consensus() {
    snapshot_both("overview_2025_pending_consensus", ">");
}

#[test]
fn snapshot_help() {
    snapshot_both("help", "?");
}

#[test]
fn overview_shows_the_check_figures() {
    let text = screen(&state(), 160, 48);
    assert!(text.contains("270,000 t REO  +5.9%"), "{text}");
    assert!(text.contains("254,000 t REO  +4.2%"), "{text}");
    assert!(text.contains("full year vs 2023: 255,000"), "{text}");
}

#[test]
fn tiny_and_odd_sizes_never_panic() {
    let state = state();
    for (w, h) in [(1, 1), (2, 2), (10, 3), (39, 9), (40, 10), (80, 24), (300, 100)] {
        let text = screen(&state, w, h);
        if w < ui::MIN_WIDTH || h < ui::MIN_HEIGHT {
            assert!(
                text.replace('\n', "").starts_with(&"terminal too small"[..usize::from(w.min(8))]),
                "{w}x{h}: {text}"
            );
        }
    }
    let mut state = state;
    for keys in ["2\n\n\n", "3", "4\n", "5", "?"] {
        press(&mut state, keys);
        for (w, h) in [(1, 1), (40, 10), (45, 12)] {
            screen(&state, w, h);
        }
        press(&mut state, "\x1b\x1b\x1b");
    }
}

/// Every word on screen is whole: no cell or line ends cut without an ellipsis. Checked by
/// comparing each row of every table the view layer built against what was drawn.
#[test]
fn stages_at_2025_and_the_holder_history_read_whole_at_80x24_and_160x48() {
    let mut s = state();
    press(&mut s, "2>");
    assert_eq!(s.year(), Some(2025));
    for (w, h) in [(80, 24), (160, 48)] {
        assert_cells_whole(&s, w, h);
        let text = screen(&s, w, h);
        assert!(text.contains("partial year"), "{text}");
        assert!(text.contains("withheld"), "2025's batch 1 was issued without figures: {text}");
    }
    press(&mut s, "<\n\n\n");
    for (w, h) in [(80, 24), (160, 48)] {
        assert_cells_whole(&s, w, h);
        let text = screen(&s, w, h);
        assert!(text.contains("China Northern Rare Earth Group"), "{w}x{h}: {text}");
        // The breadcrumb has its own line: no chart border on it.
        let crumb = text.lines().find(|l| l.contains(" › ")).expect("breadcrumb");
        assert!(!crumb.contains('┌') && !crumb.contains('│'), "{crumb}");
    }
}

/// Every cell of the current table is on screen whole, or cut with "…" (never cut bare).
fn assert_cells_whole(s: &quotawatch::app::State, w: u16, h: u16) {
    let text = screen(s, w, h);
    for row in quotawatch::view::table(s).expect("a table view").rows {
        for cell in row.cells {
            let whole = text.contains(&cell.text);
            let cut = (1..cell.text.chars().count()).any(|n| {
                let head: String = cell.text.chars().take(n).collect();
                text.contains(&format!("{head}…"))
            });
            assert!(whole || cut, "{w}x{h}: {:?} is cut bare\n{text}", cell.text);
        }
    }
}

#[test]
fn styled_snapshot_of_the_overview() {
    insta::assert_snapshot!("overview_styled_100x30", screen_styled(&state(), 100, 30));
}

#[test]
fn the_overview_shows_consensus_next_release_and_event_marks() {
    let mut s = state();
    let text = screen(&s, 160, 48);
    // 2024 with its landed surprises, the next release overdue as of the fixed clock.
    assert!(text.contains("consensus 280,000 (SMM 2024-07-03) · actual 270,000: below, -3.6%"), "{text}");
    assert!(text.contains("next: rare-earths 2026 batch 1 · overdue since 24 Mar"), "{text}");
    assert!(text.contains("• policy event (m)") && text.contains("2010•"), "{text}");
    press(&mut s, ">");
    let text = screen(&s, 160, 48);
    assert!(text.contains("consensus 270,000-283,500 (flat to +5%, Reuters 2025-07-07)"), "{text}");
    // At 80 columns the brief form, whole.
    let narrow = screen(&s, 80, 24);
    assert!(narrow.contains("Reuters: 270,000-283,500 (flat to +5%)"), "{narrow}");
    press(&mut s, "m");
    let text = screen(&s, 160, 48);
    assert!(!text.contains("2010•") && !text.contains("policy event"), "m turns the marks off: {text}");
}

#[test]
fn the_timeline_interleaves_releases_and_events_and_shows_the_silence() {
    let mut s = state();
    press(&mut s, "6");
    let text = screen(&s, 160, 48);
    assert!(text.contains("2025-07-18      withheld        2025 batch 1: issued, figures withheld"), "{text}");
    assert!(text.contains("2024-10-01      policy          Rare Earth Management Regulations in force"), "{text}");
    assert!(text.contains("27 months with no published figures after this release, to today"), "{text}");
    // Enter on an event shows it whole with its link.
    let rows = quotawatch::view::table(&s).expect("timeline").rows;
    let regulations = rows
        .iter()
        .position(|r| r.cells[2].text == "Rare Earth Management Regulations in force")
        .expect("the regulations row");
    press(&mut s, &"v".repeat(regulations));
    press(&mut s, "\n");
    let popup = s.popup().expect("details").to_owned();
    assert!(popup.starts_with("2024-10-01 · policy · rare-earths"), "{popup}");
    assert!(popup.contains("https://"), "{popup}");
}

/// Every table's headers read whole at 80x24 and 160x48, in every view and drill level.
#[test]
fn every_table_header_is_whole_at_80x24_and_160x48() {
    for keys in ["2", "2\n", "2\n\n", "2\n\n\n", "3", "4", "5", "6"] {
        let mut s = state();
        press(&mut s, keys);
        let table = quotawatch::view::table(&s).expect("a table view");
        for (w, h) in [(80, 24), (160, 48)] {
            let text = screen(&s, w, h);
            let first = format!("│ {}", table.columns[0].header);
            let header = text.lines().find(|l| l.contains(&first)).unwrap_or_default();
            for column in &table.columns {
                assert!(header.contains(&column.header), "{keys:?} at {w}x{h}: {:?} cut in {header:?}", column.header);
            }
        }
    }
}

/// A table with no rows says why in a whole sentence, wrapped, even at 80 columns.
#[test]
fn an_empty_table_says_why_in_words_that_wrap_whole() {
    let mut s = state();
    press(&mut s, "7");
    let text = screen(&s, 80, 24);
    let said: String =
        text.lines().skip(2).take(3).map(|l| l.trim_matches(|c| c == '│' || c == ' ')).collect::<Vec<_>>().join(" ");
    assert!(
        said.contains("No headlines yet: configure an rss or page source (see config/examples/news.toml)."),
        "{text}"
    );
}
