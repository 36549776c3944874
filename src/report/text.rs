//! Shared pieces of the text reports: checkpatch-style finding lines
//! (`path:line: severity: message [code]`), plurals, wrapping and colour. Colour is written as
//! ANSI escapes and printed through `anstream`, which strips them when stdout is not a terminal,
//! `NO_COLOR` is set or `--color never` was given (and keeps them for `CLICOLOR_FORCE` or
//! `--color always`).

use anstyle::{AnsiColor, Style};

use crate::verdict::Severity;

/// `1 file`, `2 files`; `noun` is the singular, `plural` the plural form.
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// `1 line`, `2 lines`: a regular plural in -s.
pub fn plural(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// `a`, `a and b`, `a, b and c`.
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// At most `max` items, then `and N more`.
pub fn capped(items: &[String], max: usize) -> String {
    if items.len() <= max {
        return items.join(", ");
    }
    format!("{}, and {} more", items[..max].join(", "), items.len() - max)
}

/// Greedy word wrap with an indent on every line.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > width {
            lines.push(format!("{indent}{line}"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(format!("{indent}{line}"));
    }
    lines.join("\n")
}

/// Like `wrap`, with `first` before the first line instead of `indent` (a hanging indent).
pub fn hanging(first: &str, text: &str, width: usize, indent: &str) -> String {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut prefix = first;
    for word in text.split_whitespace() {
        if !line.is_empty() && prefix.len() + line.len() + 1 + word.len() > width {
            lines.push(format!("{prefix}{line}"));
            line.clear();
            prefix = indent;
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(format!("{prefix}{line}"));
    lines.join("\n")
}

/// `text` in `style` (escapes stripped later where colour is off).
pub fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

pub fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Error => Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
        Severity::Warning => Style::new().bold().fg_color(Some(AnsiColor::Yellow.into())),
        Severity::Info => Style::new().fg_color(Some(AnsiColor::Cyan.into())),
    }
}

/// The word checkpatch would print: `error`, `warning`, `note`.
pub fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub fn bold(text: &str) -> String {
    paint(Style::new().bold(), text)
}

pub fn dim(text: &str) -> String {
    paint(Style::new().dimmed(), text)
}

/// A verdict word: green when nothing is wrong, yellow when it needs a look, red when it fails.
pub fn verdict(text: &str, level: Level) -> String {
    let color = match level {
        Level::Good => AnsiColor::Green,
        Level::Look => AnsiColor::Yellow,
        Level::Bad => AnsiColor::Red,
    };
    paint(Style::new().bold().fg_color(Some(color.into())), text)
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Good,
    Look,
    Bad,
}

/// `path:line: ` or `path: ` or nothing.
pub fn location(path: Option<&str>, line: Option<u32>) -> String {
    match (path, line) {
        (Some(p), Some(l)) if l > 0 => format!("{p}:{l}: "),
        (Some(p), _) => format!("{p}: "),
        _ => String::new(),
    }
}

/// One checkpatch-style line: `path:line: severity: message [code]`.
pub fn finding_line(loc: &str, severity: Severity, message: &str, code: &str) -> String {
    format!(
        "{}{}: {message} {}",
        bold(loc),
        paint(severity_style(severity), severity_word(severity)),
        dim(&format!("[{code}]"))
    )
}

/// The first 12 hex digits of a commit id.
pub fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}
