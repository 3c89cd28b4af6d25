//! The dashboard's state tests' support: the bundled start-up state at a fixed clock, key
//! presses and source documents through `update`, and drawing a state the way the loop does
//! (view layer, then ui) onto a TestBackend, as plain text or with its styles spelled out.
#![allow(dead_code, reason = "each test file uses its own part of the support")]

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use quotawatch::app::{Effect, Msg, State, update};
use quotawatch::ui::{self, theme::Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Modifier, Style};

pub fn buffer(state: &State, width: u16, height: u16) -> Buffer {
    let screen = quotawatch::view::build(state);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| {
            ui::render(frame, &screen, &Theme::COLOR);
        })
        .expect("draw");
    terminal.backend().buffer().clone()
}

/// The screen's text, trailing spaces trimmed.
pub fn screen(state: &State, width: u16, height: u16) -> String {
    text_of(&buffer(state, width, height))
}

pub fn text_of(buffer: &Buffer) -> String {
    let area = buffer.area;
    (0..area.height)
        .map(|y| (0..area.width).map(|x| buffer[(x, y)].symbol()).collect::<String>().trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The screen with every change of style marked, `{fg:Cyan bold}text`, so colour and
/// weight are part of the snapshot (a trader reads red and green before the digits).
pub fn screen_styled(state: &State, width: u16, height: u16) -> String {
    let buffer = buffer(state, width, height);
    let mut out = String::new();
    for y in 0..height {
        let mut current = Style::new();
        let mut line = String::new();
        for x in 0..width {
            let cell = &buffer[(x, y)];
            let style = cell.style();
            if style != current {
                line.push_str(&describe(style));
                current = style;
            }
            line.push_str(cell.symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn describe(style: Style) -> String {
    let mut parts = Vec::new();
    if let Some(fg) = style.fg {
        parts.push(format!("fg:{fg:?}"));
    }
    if let Some(bg) = style.bg {
        parts.push(format!("bg:{bg:?}"));
    }
    for (flag, name) in
        [(Modifier::BOLD, "bold"), (Modifier::DIM, "dim"), (Modifier::REVERSED, "rev"), (Modifier::UNDERLINED, "ul")]
    {
        if style.add_modifier.contains(flag) {
            parts.push(name.to_owned());
        }
    }
    format!("{{{}}}", parts.join(" "))
}

pub fn fixed_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 9, 30, 0).single().expect("valid time")
}

pub fn state() -> State {
    let config = quotawatch::config::load(None).expect("built-in config");
    State::new(quotawatch::ingest::for_headless(&config, true, true, None, fixed_now()), fixed_now())
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Presses `keys` ('\n' Enter, '\x1b' Esc, '<' '>' left/right, 'v' '^' down/up, '«' '»' the
/// sort keys); returns
/// the effects they asked for, log lines left out.
pub fn press(state: &mut State, keys: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in keys.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\x1b' => KeyCode::Esc,
            '<' => KeyCode::Left,
            '>' => KeyCode::Right,
            'v' => KeyCode::Down,
            '^' => KeyCode::Up,
            // The sort keys themselves (`<` and `>` above stand for the arrows).
            '»' => KeyCode::Char('>'),
            '«' => KeyCode::Char('<'),
            other => KeyCode::Char(other),
        };
        effects.extend(update(state, key(code)).effects);
    }
    effects.retain(|e| !matches!(e, Effect::LogLine { .. }));
    effects
}

/// The bundled history plus one HTTP source (never contacted: the dashboard leaves network
/// sources to its pollers, and these tests start none).
pub fn live_state() -> State {
    let text =
        "[[sources]]\nname = \"desk\"\nkind = \"http\"\nurl = \"http://127.0.0.1:9/feed.json\"\ninterval = \"1s\"\n";
    let config = quotawatch::config::parse(text, quotawatch::config::ConfigOrigin::BuiltIn, std::path::Path::new("."))
        .expect("valid config");
    State::new(quotawatch::ingest::for_dashboard(&config, true, None, fixed_now()), fixed_now())
}

/// A document from the desk source with one announcement of mining `tonnes`.
pub fn desk_document(commodity: &str, year: u16, batch: u8, revision: u32, tonnes: u32) -> Msg {
    let text = format!(
        "{{\"format\": \"quota-feed/1\", \"announcements\": [{{\"commodity\": \"{commodity}\", \"year\": {year}, \
         \"batch\": {batch}, \"revision\": {revision}, \"quotas\": [{{\"stage\": \"mining\", \"tonnes\": {tonnes}}}]}}]}}"
    );
    source_event("desk", &text)
}

pub fn source_event(source: &str, document: &str) -> Msg {
    let parsed = quotawatch::feed::parse(source, quotawatch::feed::Format::Json, document.as_bytes(), 1 << 20)
        .expect("valid feed");
    let at = fixed_now();
    Msg::Source(quotawatch::sources::SourceEvent {
        source: source.into(),
        at,
        result: Ok(Some(parsed)),
        http: None,
        next_poll: at,
    })
}

/// The desk's feed with rare earths' 2024 batch 1 at `revision`, China Northern Rare Earth
/// Group's mining (light) figure `northern` (94,580 t as bundled).
pub fn desk_batch_1(revision: u32, northern: u32) -> Msg {
    let document = format!(
        "{{\"format\": \"quota-feed/1\", \"announcements\": [{{\"commodity\": \"rare-earths\", \"year\": 2024, \
         \"batch\": 1, \"revision\": {revision}, \"quotas\": [\
         {{\"stage\": \"mining\", \"tonnes\": {}}},\
         {{\"stage\": \"mining\", \"category\": \"light\", \"holder\": \"China Northern Rare Earth Group\", \"tonnes\": {northern}}},\
         {{\"stage\": \"mining\", \"category\": \"light\", \"holder\": \"China Rare Earth Group\", \"tonnes\": 30280}},\
         {{\"stage\": \"mining\", \"category\": \"medium-heavy\", \"holder\": \"China Rare Earth Group\", \"tonnes\": 10140}}]}}]}}",
        northern + 30_280 + 10_140
    );
    source_event("desk", &document)
}
