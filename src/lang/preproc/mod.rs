//! Just enough of the C preprocessor to name what a template file defines once per inclusion.
//!
//! QEMU writes some functions once and has the preprocessor name them per inclusion:
//! system/memory_ldst_endian.c.inc defines `uint16_t ADDRESS_SPACE_LD(uw)(ARG1_DECL, ...)`,
//! and physmem.c includes it (through memory_ldst.c.inc) with `SUFFIX` empty, then
//! `_cached_slow`, and `ENDIANNESS` empty, `_le`, `_be`: six functions, among them
//! `address_space_lduw_le`, which hundreds of devices call. Extraction names such a definition by
//! its text (`ADDRESS_SPACE_LD(uw)`); `crate::instances` works out its names from the macros in
//! force where it is included, with what is here:
//!
//! - `directives` reads a file's `#define`, `#undef`, conditionals and quoted `#include` lines,
//!   and `worth_keeping` says whether a file's are worth storing (a template's, or an includer
//!   that defines macros before including);
//! - `Env` applies them in order, evaluating `#if` (`SHIFT == 1`, `defined(X)`) with the macros
//!   it has; a condition that reads a macro it does not have leaves every arm possibly
//!   compiled and what they define unknown;
//! - `Env::name_of` expands a name's text with object-like and function-like macros, `##` and the
//!   idiom table's token-pasting macros (`glue`), and gives the identifier it comes to, if it
//!   comes to exactly one.
//!
//! It is not a preprocessor: no `#include` is followed, an expansion does not take tokens after
//! it, and anything it cannot work out gives no name at all rather than a wrong one.

mod directives;

pub use directives::{directives, kept_directives, worth_keeping};

use crate::facts::DirectiveKind;
use crate::fxhash::FxHashMap;
use crate::lang::idioms::IdiomTable;
use crate::lang::lexer;

/// Expansion guards, far above what naming a function needs (QEMU: four levels, a few dozen
/// tokens).
const MAX_DEPTH: usize = 24;
const MAX_TOKENS: usize = 4096;

/// A token's text, and whether white space or a comment stood before it (`a##b` stays joined).
type Token = (String, bool);

/// The tokens of a text, each with whether white space or a comment stood before it.
fn tokens(text: &[u8]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut last_end = 0;
    lexer::scan(text, |_, start, end| {
        out.push((String::from_utf8_lossy(&text[start..end]).into_owned(), start > last_end));
        last_end = end;
    });
    out
}

/// The text of tokens, spaced as they were (`a##b` stays joined, comments become one space).
fn join(toks: &[Token]) -> String {
    let mut s = String::new();
    for (k, (t, spaced)) in toks.iter().enumerate() {
        if k > 0 && *spaced {
            s.push(' ');
        }
        s.push_str(t);
    }
    s
}

/// A macro in force: its directive's parameters and text, the text read into tokens the first
/// time an expansion needs it (an includer's chain replays many `#define`s it never uses).
#[derive(Clone, Debug)]
struct Macro<'t> {
    params: Option<&'t [String]>,
    text: &'t str,
    body: std::cell::OnceCell<Vec<Token>>,
    /// Defined in an arm chosen by a guess (`Arm::unknown`): its value is not known either.
    uncertain: bool,
}

impl Macro<'_> {
    fn body(&self) -> &[Token] {
        self.body.get_or_init(|| tokens(self.text.as_bytes()))
    }
}

/// The macros in force at a point of a chain of inclusions, and the conditional arms open there.
#[derive(Clone, Default)]
pub struct Env<'t> {
    macros: FxHashMap<&'t str, Macro<'t>>,
    /// The conditionals open here, outermost first.
    arms: Vec<Arm>,
    idioms: Option<&'t IdiomTable>,
    /// Set when an expansion meets a name in capitals that no macro here defines: a macro of
    /// a file outside the chain (a header included first), whose value is not known.
    unknown: std::cell::Cell<bool>,
    /// Values taken for conditions that read such a macro, one per distinct condition in the
    /// order they are first met (`#elif HOST_BIG_ENDIAN`, however often it is written): one
    /// configuration of the host. Past them, or without them, such a condition leaves every
    /// arm possibly compiled.
    assumed: Vec<bool>,
    /// The distinct such conditions met, in order.
    unknown_conditions: Vec<String>,
    /// Set when an expansion meets a macro defined under such a condition (`Macro::uncertain`).
    met_uncertain: std::cell::Cell<bool>,
}

/// One open conditional.
#[derive(Clone, Copy, Default)]
struct Arm {
    /// The code around it is compiled.
    outer: bool,
    /// One of its arms was taken already.
    taken: bool,
    /// The current arm is compiled.
    active: bool,
    /// A condition read a macro whose value is not known here (`#if HAVE_CMPXCHG128` from a
    /// header outside the chain): each arm may be compiled, and what it defines is unknown.
    unknown: bool,
}

impl<'t> Env<'t> {
    pub fn new(idioms: &'t IdiomTable) -> Env<'t> {
        Env { idioms: Some(idioms), ..Env::default() }
    }

    /// An environment that takes `assumed` as the values of the first distinct conditions it
    /// cannot read, in the order it meets them: one configuration of what lies outside the
    /// chain.
    pub fn assuming(idioms: &'t IdiomTable, assumed: Vec<bool>) -> Env<'t> {
        Env { idioms: Some(idioms), assumed, ..Env::default() }
    }

    /// How many distinct conditions read a macro whose value is not known here.
    pub fn unknown_conditions(&self) -> usize {
        self.unknown_conditions.len()
    }

    /// Whether the last `name_of` met a macro defined under such a condition: a name a
    /// configuration of the host would give.
    pub fn met_uncertain(&self) -> bool {
        self.met_uncertain.get()
    }

    /// `eval_known`, with a value assumed for the first conditions it cannot read.
    fn condition(&mut self, cond: &str) -> (i64, bool) {
        let (value, unknown) = self.eval_known(cond);
        if !unknown {
            return (value, false);
        }
        let met = match self.unknown_conditions.iter().position(|c| c == cond) {
            Some(k) => k,
            None => {
                self.unknown_conditions.push(cond.to_string());
                self.unknown_conditions.len() - 1
            }
        };
        match self.assumed.get(met) {
            Some(&assumed) => (i64::from(assumed), false),
            None => (value, true),
        }
    }

    /// Whether code here is compiled, as far as the conditionals tell.
    pub fn active(&self) -> bool {
        self.arms.last().is_none_or(|a| a.active)
    }

    /// Applies one directive. Conditionals left open at the end of a file stay open, as they
    /// would in the including file.
    pub fn apply(&mut self, d: &'t DirectiveKind) {
        let active = self.active();
        match d {
            DirectiveKind::Define { name, params, body } if active => {
                let uncertain = self.arms.iter().any(|a| a.unknown);
                let macro_ =
                    Macro { params: params.as_deref(), text: body, body: std::cell::OnceCell::new(), uncertain };
                self.macros.insert(name, macro_);
            }
            DirectiveKind::Undef(name) if active => {
                self.macros.remove(name.as_str());
            }
            // A condition that reads a macro whose value is not known here: every arm may be
            // compiled (in some configuration), as everywhere else revertcheck reads both; what
            // such an arm defines is unknown (`Macro::uncertain`).
            DirectiveKind::If(cond) => {
                let (value, unknown) = if active { self.condition(cond) } else { (0, false) };
                let taken = active && value != 0 && !unknown;
                self.arms.push(Arm { outer: active, taken, active: taken || (active && unknown), unknown });
            }
            DirectiveKind::Elif(cond) => {
                if let Some(&arm) = self.arms.last() {
                    let open = arm.outer && !arm.taken;
                    let (value, unknown) = if open { self.condition(cond) } else { (0, false) };
                    let unknown = arm.unknown || (open && unknown);
                    let now = open && value != 0 && !unknown;
                    let active = now || (open && unknown);
                    *self.arms.last_mut().expect("just read") = Arm { taken: arm.taken || now, active, unknown, ..arm };
                }
            }
            DirectiveKind::Else => {
                if let Some(arm) = self.arms.last_mut() {
                    *arm = Arm { taken: true, active: arm.outer && !arm.taken, ..*arm };
                }
            }
            DirectiveKind::Endif => {
                self.arms.pop();
            }
            _ => {}
        }
    }

    /// `eval`, and whether the condition read a name in capitals no macro here defines.
    fn eval_known(&self, cond: &str) -> (i64, bool) {
        self.unknown.set(false);
        let value = self.eval(cond);
        (value, self.unknown.get())
    }

    /// The identifier the text `text` (`ADDRESS_SPACE_LD(uw)`, `glue(helper_psrlw, SUFFIX)`)
    /// expands to, if it expands to exactly one.
    pub fn name_of(&self, text: &str) -> Option<String> {
        let toks = tokens(text.as_bytes());
        let mut budget = MAX_TOKENS;
        self.unknown.set(false);
        self.met_uncertain.set(false);
        let out = self.expand(&toks, &mut Vec::new(), 0, &mut budget)?;
        if self.unknown.get() {
            return None;
        }
        let words: Vec<&str> = out.iter().map(|(t, _)| t.as_str()).filter(|t| !t.is_empty()).collect();
        match words[..] {
            [one]
                if one.bytes().next().is_some_and(lexer::is_ident_start)
                    && one.bytes().all(lexer::is_ident_continue) =>
            {
                Some(one.to_string())
            }
            _ => None,
        }
    }

    /// Expands `toks`; `hide` holds the macros being expanded (not expanded again inside).
    fn expand(&self, toks: &[Token], hide: &mut Vec<String>, depth: usize, budget: &mut usize) -> Option<Vec<Token>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut out = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            *budget = budget.checked_sub(1)?;
            let (t, spaced) = &toks[i];
            let is_name = t.bytes().next().is_some_and(lexer::is_ident_start);
            if !is_name || hide.contains(t) {
                out.push(toks[i].clone());
                i += 1;
                continue;
            }
            let call = toks.get(i + 1).is_some_and(|(n, _)| n == "(");
            let found = self.macros.get(t.as_str());
            if found.is_some_and(|m| m.uncertain) {
                self.unknown.set(true);
                self.met_uncertain.set(true);
            }
            match found {
                Some(m @ Macro { params: None, .. }) => {
                    hide.push(t.clone());
                    let mut e = self.expand(m.body(), hide, depth + 1, budget)?;
                    hide.pop();
                    if let Some(first) = e.first_mut() {
                        first.1 = *spaced;
                    }
                    out.extend(e);
                    i += 1;
                }
                Some(m @ Macro { params: Some(params), .. }) if call => {
                    let (args, close) = arguments(toks, i + 1)?;
                    let substituted = self.substitute(params, m.body(), &args, hide, depth, budget)?;
                    hide.push(t.clone());
                    let e = self.expand(&substituted, hide, depth + 1, budget)?;
                    hide.pop();
                    out.extend(e);
                    i = close + 1;
                }
                None if call && self.idioms.and_then(|m| m.pastes(t)).is_some() => {
                    // `glue(a, b)`, `HELPER(x)` where the tree's definition is not in force here:
                    // the idiom table's pattern, its arguments expanded first as `glue`'s are.
                    let pattern = self.idioms.and_then(|m| m.pastes(t))?;
                    let (args, close) = arguments(toks, i + 1)?;
                    let mut parts = Vec::with_capacity(args.len());
                    for a in &args {
                        let e = self.expand(a, hide, depth + 1, budget)?;
                        // One token or none: `glue(unsigned int, x)` pastes nothing sensible.
                        let words: Vec<&str> = e.iter().map(|(t, _)| t.as_str()).filter(|t| !t.is_empty()).collect();
                        if words.len() > 1 {
                            return None;
                        }
                        parts.push(words.concat());
                    }
                    out.push((crate::lang::idioms::fill(pattern, &parts, true)?, *spaced));
                    i = close + 1;
                }
                _ => {
                    if is_capitals(t) {
                        self.unknown.set(true);
                    }
                    out.push(toks[i].clone());
                    i += 1;
                }
            }
        }
        Some(out)
    }

    /// A function-like macro's body with its parameters replaced: operands of `#` and `##` by
    /// the argument as written, others by the argument expanded; then `##` pastes.
    fn substitute(
        &self,
        params: &[String],
        body: &[Token],
        args: &[Vec<Token>],
        hide: &mut Vec<String>,
        depth: usize,
        budget: &mut usize,
    ) -> Option<Vec<Token>> {
        let param = |t: &str| params.iter().position(|p| p == t);
        let is_paste = |k: usize| {
            body.get(k).is_some_and(|(t, _)| t == "#") && body.get(k + 1).is_some_and(|(t, s)| t == "#" && !s)
        };
        let mut out: Vec<Token> = Vec::new();
        // Indices in `out` after which a `##` stood.
        let mut pastes = Vec::new();
        let mut k = 0;
        while k < body.len() {
            if is_paste(k) {
                pastes.push(out.len());
                k += 2;
                continue;
            }
            let (t, spaced) = &body[k];
            if t == "#" {
                // Stringizing makes a string: it names nothing.
                out.push(("\"\"".to_string(), *spaced));
                k += 2;
                continue;
            }
            match param(t) {
                Some(p) => {
                    let arg = args.get(p).cloned().unwrap_or_default();
                    let raw = (k >= 2 && is_paste(k - 2)) || is_paste(k + 1);
                    let mut value = if raw { arg } else { self.expand(&arg, hide, depth + 1, budget)? };
                    if value.is_empty() {
                        // An empty argument pastes as nothing.
                        value.push((String::new(), *spaced));
                    } else {
                        value[0].1 = *spaced;
                    }
                    out.extend(value);
                }
                None => out.push(body[k].clone()),
            }
            k += 1;
        }
        // Paste right to left so the indices stay good.
        for &at in pastes.iter().rev() {
            if at == 0 || at >= out.len() {
                continue;
            }
            let right = out.remove(at);
            out[at - 1].0.push_str(&right.0);
        }
        out.retain(|(t, _)| !t.is_empty());
        Some(out)
    }

    /// The value of an `#if` expression; 0 when it cannot be read.
    pub fn eval(&self, cond: &str) -> i64 {
        let toks = tokens(cond.as_bytes());
        // `defined X` and `defined(X)` first, before any expansion.
        let mut resolved = Vec::with_capacity(toks.len());
        let mut k = 0;
        while k < toks.len() {
            if toks[k].0 == "defined" {
                let (name, next) = match toks.get(k + 1).map(|t| t.0.as_str()) {
                    Some("(") => (toks.get(k + 2).map(|t| t.0.clone()), k + 4),
                    _ => (toks.get(k + 1).map(|t| t.0.clone()), k + 2),
                };
                let known = name.is_some_and(|n| self.macros.contains_key(n.as_str()));
                resolved.push((if known { "1" } else { "0" }.to_string(), true));
                k = next;
                continue;
            }
            resolved.push(toks[k].clone());
            k += 1;
        }
        let mut budget = MAX_TOKENS;
        let Some(expanded) = self.expand(&resolved, &mut Vec::new(), 0, &mut budget) else { return 0 };
        let words: Vec<&str> = expanded.iter().map(|(t, _)| t.as_str()).collect();
        let mut p = Parser { toks: &words, at: 0 };
        p.ternary().filter(|_| p.at == words.len()).unwrap_or(0)
    }
}

/// A name in capitals (`SUFFIX`, `TARGET_LONG_BITS`): a macro by QEMU's convention.
fn is_capitals(t: &str) -> bool {
    t.len() > 1
        && t.bytes().any(|b| b.is_ascii_uppercase())
        && t.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// The arguments of the invocation whose `(` is at `open`, and the index of its `)`.
fn arguments(toks: &[Token], open: usize) -> Option<(Vec<Vec<Token>>, usize)> {
    let mut args = vec![Vec::new()];
    let mut depth = 0usize;
    for (k, tok) in toks.iter().enumerate().skip(open + 1) {
        match tok.0.as_str() {
            "(" => depth += 1,
            ")" if depth == 0 => {
                if args.len() == 1 && args[0].is_empty() {
                    args.clear();
                }
                return Some((args, k));
            }
            ")" => depth -= 1,
            "," if depth == 0 => {
                args.push(Vec::new());
                continue;
            }
            _ => {}
        }
        args.last_mut().expect("never empty").push(tok.clone());
    }
    None
}

/// `#if` arithmetic over integers, C's precedence; a name left after expansion is 0.
struct Parser<'a> {
    toks: &'a [&'a str],
    at: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&'a str> {
        self.toks.get(self.at).copied()
    }

    /// The operator at the cursor, joining two-character ones the scanner split (`==`, `&&`).
    fn op(&self) -> Option<String> {
        let a = self.peek()?;
        let b = self.toks.get(self.at + 1).copied().unwrap_or("");
        let two = format!("{a}{b}");
        if ["==", "!=", "<=", ">=", "&&", "||", "<<", ">>"].contains(&two.as_str()) {
            return Some(two);
        }
        Some(a.to_string())
    }

    fn eat(&mut self, op: &str) -> bool {
        if self.op().as_deref() == Some(op) {
            self.at += if op.len() == 2 && self.peek().is_some_and(|p| p.len() == 1) { 2 } else { 1 };
            return true;
        }
        false
    }

    fn ternary(&mut self) -> Option<i64> {
        let c = self.binary(0)?;
        if self.eat("?") {
            let a = self.ternary()?;
            if !self.eat(":") {
                return None;
            }
            let b = self.ternary()?;
            return Some(if c != 0 { a } else { b });
        }
        Some(c)
    }

    fn binary(&mut self, level: usize) -> Option<i64> {
        const LEVELS: [&[&str]; 10] = [
            &["||"],
            &["&&"],
            &["|"],
            &["^"],
            &["&"],
            &["==", "!="],
            &["<", ">", "<=", ">="],
            &["<<", ">>"],
            &["+", "-"],
            &["*", "/", "%"],
        ];
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut v = self.binary(level + 1)?;
        loop {
            let Some(op) = self.op().filter(|o| LEVELS[level].contains(&o.as_str())) else { return Some(v) };
            // `|` is not `||`, `<` is not `<<`: `op` joined them already.
            self.eat(&op);
            let r = self.binary(level + 1)?;
            v = match op.as_str() {
                "||" => i64::from(v != 0 || r != 0),
                "&&" => i64::from(v != 0 && r != 0),
                "|" => v | r,
                "^" => v ^ r,
                "&" => v & r,
                "==" => i64::from(v == r),
                "!=" => i64::from(v != r),
                "<" => i64::from(v < r),
                ">" => i64::from(v > r),
                "<=" => i64::from(v <= r),
                ">=" => i64::from(v >= r),
                "<<" => v.checked_shl(u32::try_from(r).ok()?)?,
                ">>" => v.checked_shr(u32::try_from(r).ok()?)?,
                "+" => v.checked_add(r)?,
                "-" => v.checked_sub(r)?,
                "*" => v.checked_mul(r)?,
                "/" => v.checked_div(r)?,
                _ => v.checked_rem(r)?,
            };
        }
    }

    fn unary(&mut self) -> Option<i64> {
        let t = self.peek()?;
        self.at += 1;
        match t {
            "!" => Some(i64::from(self.unary()? == 0)),
            "-" => self.unary()?.checked_neg(),
            "+" => self.unary(),
            "~" => Some(!self.unary()?),
            "(" => {
                let v = self.ternary()?;
                (self.peek() == Some(")")).then(|| self.at += 1)?;
                Some(v)
            }
            _ if t.bytes().next().is_some_and(|b| b.is_ascii_digit()) => number(t),
            _ if t.bytes().next().is_some_and(lexer::is_ident_start) => Some(0),
            _ => None,
        }
    }
}

fn number(t: &str) -> Option<i64> {
    let t = t.trim_end_matches(['u', 'U', 'l', 'L']);
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return i64::from_str_radix(hex, 16).ok();
    }
    if t.len() > 1 && t.starts_with('0') {
        return i64::from_str_radix(&t[1..], 8).ok();
    }
    t.parse().ok()
}

#[cfg(test)]
mod tests;
