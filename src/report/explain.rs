//! The catalog behind `revertcheck explain <code>`: every finding code a report can name, what it
//! means, why the policy cares, and how to fix it. One table, so the text reports, SARIF rules
//! and this command read the same words; a test checks that every code the code base emits has
//! an entry.

/// One finding code.
pub struct Entry {
    pub code: &'static str,
    /// One line: what a report says when it names the code.
    pub title: &'static str,
    pub means: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
}

/// Every finding code, in the order `explain` lists them: `check` first, then the trailers,
/// then `revert`.
pub const CATALOG: &[Entry] = &[
    Entry {
        code: "cascading",
        title: "code outside the change depends on what it adds, removes or re-shapes",
        means: "A symbol the patch added, removed, or whose interface (signature, type layout, \
                macro parameters) it changed is used by code outside the patch: other files, or \
                callers the patch had to adapt itself. The report names the first user and counts \
                the rest.",
        why: "The policy accepts AI assistance where a change is easy to throw away later. \
              Reverting a change that others build on breaks them, so it is not leaf-level.",
        fix: "Keep the interface and change only the body, or split the interface change into \
              its own patch written without AI assistance and ask the subsystem maintainers.",
    },
    Entry {
        code: "series_contained",
        title: "used only by a later patch of the same series",
        means: "What the patch adds or re-shapes is used by a later patch of the series, and by \
                nothing outside it.",
        why: "The series stands or falls together: the patches can be reverted as a group, but \
              not one by one.",
        fix: "Nothing to fix; keep the patches together when applying or reverting them.",
    },
    Entry {
        code: "body_change_callers",
        title: "a function's body changed; its callers keep their interface",
        means: "Only the body of a function (or the value of a macro) changed; its users still \
                compile as before, and the report counts them.",
        why: "Body changes are what the policy calls leaf-level: reverting them touches nobody \
              else. The count tells a reviewer how far a behaviour change reaches.",
        fix: "Nothing to fix; review the behaviour change with its callers in mind.",
    },
    Entry {
        code: "core_code",
        title: "changes a file in a core zone of the policy",
        means: "The patch changes code lines in a path the policy file lists as core \
                (`[[core]]` patterns).",
        why: "Core code needs a maintainer's agreement before AI-assisted changes go in.",
        fix: "Ask the maintainers the report names before posting, or leave this file to a \
              patch written without AI assistance.",
    },
    Entry {
        code: "core_symbol",
        title: "re-shapes a symbol that other code depends on",
        means: "A declared AI-assisted patch adds, removes or changes the interface of a symbol \
                used outside the change (or by at least `core_dependents_threshold` users).",
        why: "Such a change cannot be thrown away later without breaking its users: it is not \
              what the policy allows AI assistance for without a maintainer's agreement.",
        fix: "Keep the interface stable, or ask the maintainers of the users' subsystems first.",
    },
    Entry {
        code: "over_cap",
        title: "more changed code lines than the profile's cap for a small fix",
        means: "The patch changes more code lines (outside tests and docs, counted as the \
                report states) than the profile allows for an AI-assisted fix.",
        why: "The policy keeps AI assistance to changes small enough to review in full and to \
              revert without thought.",
        fix: "Split the patch into smaller ones that each stand alone, or ask a maintainer to \
              accept the size.",
    },
    Entry {
        code: "split_fix",
        title: "a fix split over patches that together exceed the cap",
        means: "Patches by the same author touching the same files within a few days add up to \
                more code lines than the cap, though each is under it.",
        why: "Splitting one change to stay under the cap defeats the cap's purpose.",
        fix: "Post it as one patch and ask a maintainer, or make the parts independent.",
    },
    Entry {
        code: "scope_mismatch",
        title: "AI-used-for does not declare code, but the patch changes code",
        means: "The trailer declares AI use for tests, docs or the like, and the patch also \
                changes code lines.",
        why: "A reviewer reads the declaration to know which lines to check with extra care.",
        fix: "Declare `code` in AI-used-for, or move the code change to a patch of its own.",
    },
    Entry {
        code: "declined",
        title: "the profile declines any declared AI use",
        means: "Under the profile `in-tree` (the policy in force), contributions that declare AI \
                assistance are not accepted.",
        why: "That is what QEMU's current policy says.",
        fix: "Rewrite the change without AI assistance, or check it against the proposed policy \
              (`--profile proposed`) if that is what the maintainers apply.",
    },
    Entry {
        code: "malformed_trailer",
        title: "an AI-used-for trailer that cannot be read",
        means: "The trailer is prose, or not a list of the known scopes.",
        why: "A declaration nobody can read declares nothing a reviewer or a tool can check.",
        fix: "Write `AI-used-for: code (tool: <tool>, model: <model>), tests` with the scopes \
              code, tests, docs, research, analysis.",
    },
    Entry {
        code: "unknown_scope",
        title: "an AI-used-for scope the policy does not know",
        means: "A scope other than code, tests, docs, research or analysis.",
        why: "The scope says which lines need extra care; an unknown one says nothing.",
        fix: "Use one of code, tests, docs, research, analysis.",
    },
    Entry {
        code: "foreign_ai_attribution",
        title: "AI named in a trailer QEMU does not use for it",
        means: "A Co-developed-by:, Assisted-by: or similar trailer names an AI tool.",
        why: "QEMU records AI assistance in AI-used-for: only; other trailers are for people.",
        fix: "Replace it with an `AI-used-for:` trailer.",
    },
    Entry {
        code: "ai_after_signed_off_by",
        title: "AI-used-for after the Signed-off-by",
        means: "The AI-used-for trailer comes after the author's Signed-off-by.",
        why: "The sign-off certifies what comes before it, declaration included.",
        fix: "Move AI-used-for above Signed-off-by.",
    },
    Entry {
        code: "missing_signed_off_by",
        title: "no Signed-off-by",
        means: "The commit has no Signed-off-by trailer.",
        why: "QEMU takes no patch without the author's certificate of origin.",
        fix: "Add `Signed-off-by: Name <email>` (git commit -s).",
    },
    Entry {
        code: "missing_tool",
        title: "AI-used-for without the tool",
        means: "The policy file requires `tool:` in the declaration and it is missing.",
        why: "Knowing the tool lets maintainers judge its output later.",
        fix: "Add `(tool: <name>)` after the scope.",
    },
    Entry {
        code: "missing_model",
        title: "AI-used-for without the model",
        means: "The policy file requires `model:` in the declaration and it is missing.",
        why: "Knowing the model lets maintainers judge its output later.",
        fix: "Add `model: <name>` inside the parentheses after the scope.",
    },
    Entry {
        code: "new_parse_error",
        title: "the file no longer parses cleanly",
        means: "After the change the file has more parse errors than before.",
        why: "The C may not compile, and the symbols read near the error (and so the verdict) \
              are less certain.",
        fix: "Build the change; if it compiles, the masking rules need a new idiom \
              (`revertcheck debug parse-errors FILE`).",
    },
    Entry {
        code: "merge_commit",
        title: "a merge commit, not analysed",
        means: "The range holds a merge commit; its own diff is not checked.",
        why: "A merge's changes belong to the commits it merges.",
        fix: "Check the commits it merges (`revertcheck check A..B` over the merged branch).",
    },
    Entry {
        code: "revert_conflict",
        title: "git revert conflicts here",
        means: "Reverting the commit at the revision analysed conflicts in these lines; the \
                report groups the regions by the later commits that last changed them.",
        why: "A commit that no longer reverts cleanly is no longer easy to throw away.",
        fix: "Resolve the regions by hand, or revert the named later commits first.",
    },
    Entry {
        code: "revert_entangled",
        title: "later code uses what the commit introduced or re-shaped",
        means: "The revert applies, but a later commit wrote code that uses a symbol this \
                commit added or re-shaped: reverting it alone breaks that code.",
        why: "The commit is no longer leaf-level at the revision analysed.",
        fix: "Revert it together with the commits the report names (it says whether that set \
              reverts cleanly), or rework the later users first.",
    },
    Entry {
        code: "revert_reverted",
        title: "already undone by a later commit",
        means: "A later commit's diff undoes this one, whatever its message says.",
        why: "There is nothing left to revert.",
        fix: "Nothing to do.",
    },
    Entry {
        code: "revert_reapplied",
        title: "the commit was reverted, and that revert was reverted",
        means: "A later commit undid this one, and a commit after it undid the revert: the \
                change is back in the tree.",
        why: "The verdict is about the change as it stands again, not about the old revert.",
        fix: "Read the verdict as for any other commit.",
    },
    Entry {
        code: "blame_limit",
        title: "more conflicts or uses than --max-blames could trace",
        means: "Tracing each conflicting region or later use back to the commit that wrote it \
                stops after --max-blames; the rest are reported without their commits.",
        why: "Without the writer, the report cannot name what to revert together with it.",
        fix: "Run `revertcheck revert` again with a larger --max-blames.",
    },
    Entry {
        code: "revert_improved",
        title: "the audit found a commit easier to revert than last time",
        means: "Since the previous audit run the commit's revert verdict got better (a conflict \
                or a later user went away).",
        why: "Good news: the commit is closer to what the policy asks of AI-assisted changes.",
        fix: "Nothing to do.",
    },
    Entry {
        code: "later_rework",
        title: "a function the commit changed was changed again later",
        means: "Later commits edited the same definitions; the revert still applies there.",
        why: "Reverting may undo less, or more, than intended: read those commits first.",
        fix: "Check the named commits before reverting.",
    },
    Entry {
        code: "later_edit",
        title: "lines the commit wrote were rewritten later",
        means: "A later commit rewrote some of the lines this commit added.",
        why: "The revert may no longer remove what the commit did there.",
        fix: "Read the named commit before reverting.",
    },
    Entry {
        code: "uncounted_uses",
        title: "later uses that do not count towards the verdict",
        means: "Uses bound by name only (another definition may be meant), or whose writer the \
                history does not show.",
        why: "Verdicts rest only on resolved uses; these are listed for completeness.",
        fix: "Look at them with `--format json` if the verdict surprises you.",
    },
    Entry {
        code: "ai_signed_off_by",
        title: "a Signed-off-by: whose value is an AI",
        means: "A `Signed-off-by:` names an AI identity (a tool's name, address or domain: `GitHub Copilot <copilot@github.com>`), in the trailer block or in a body paragraph.",
        why: "The Developer's Certificate of Origin is a legal statement only a person can make; every policy version, the kernel's included, keeps it.",
        fix: "Remove the AI's sign-off; the human who submits the patch signs off, and declares the AI use with the profile's trailer (`AI-used-for:`, `Assisted-by:`).",
    },
    Entry {
        code: "no_human_signed_off_by",
        title: "no sign-off by a person",
        means: "The commit has sign-offs, but every one is an AI's; the finding names them.",
        why: "Without a human sign-off nobody has certified the patch's origin (DCO), whatever the tool did.",
        fix: "The submitting person adds `Signed-off-by: Name <email>` at the end of the trailer block.",
    },
    Entry {
        code: "scope_not_in_profile",
        title: "a scope word the applied policy text does not use",
        means: "A known scope (`research`, `analysis`) that the text of the profile in force does not name: the drafts renamed it.",
        why: "A maintainer applying one text should see the other text's word; it is still read as \"the human wrote the change\".",
        fix: "Use the word of the policy in force (`revertcheck policy show NAME`).",
    },
    Entry {
        code: "agents_whitelist",
        title: "AI use AGENTS.md allows agents",
        means: "Under profile `in-tree`, AI use is declared only as `research`/`analysis`, which AGENTS.md lets agents do (research, analysis, debugging), so the patch is not declined.",
        why: "The profile declines AI-written changes, not AI-assisted research behind a human's change.",
        fix: "Nothing to fix; this says why the policy in force does not decline the patch.",
    },
    Entry {
        code: "mechanical_change",
        title: "a mechanical change made by a named tool",
        means: "`AI-used-for: code (refactoring)` or a note naming a deterministic tool, whose hunks are the same edit everywhere, with the command named in the message.",
        why: "The proposal's mechanical-changes category has no line cap: the tool, not the AI, made the edit, and it can be re-run.",
        fix: "Nothing to fix; the report quotes the command so a reviewer can re-run it.",
    },
    Entry {
        code: "mechanical_command_missing",
        title: "a mechanical claim without the command",
        means: "The patch claims a mechanical change but its message names no command (spatch, sed, a formatter, a `scripts/` tool).",
        why: "All drafts ask for the deterministic tool to be named in the commit message, so a reviewer can re-run it and compare.",
        fix: "Add the `spatch --sp-file ...`, `sed -e ...` or formatter command to the commit message.",
    },
    Entry {
        code: "mechanical_not_uniform",
        title: "a mechanical claim with different edits at different sites",
        means: "At least three edit sites and no single edit covering half of them: not what a tool produces.",
        why: "The no-cap category is for tool output; hand edits under its name would bypass the line cap.",
        fix: "Split out the tool-made part, or declare the rest as code within the cap or with a maintainer's agreement.",
    },
    Entry {
        code: "folded",
        title: "AI-written lines folded into a commit without the trailer",
        means: "A later commit of the series without an AI trailer rewrites or removes code lines an AI-declared commit of the series added.",
        why: "AGENTS.md forbids dropping the declaration by folding AI material into a larger commit.",
        fix: "Add the `AI-used-for:` trailer to the folding commit, or keep the AI material in its own declared commit.",
    },
    Entry {
        code: "trailer_outside_block",
        title: "a trailer above the trailer block, where git does not read it",
        means: "An `AI-used-for:` or `Signed-off-by:` stands in an earlier paragraph than the \
                trailer block that `git interpret-trailers` finds (the last paragraph). \
                revertcheck still reads an `AI-used-for:` there as the declaration.",
        why: "Tools that read trailers the way git does (b4, patchew, `git log --format=%(trailers)`) \
              will not see it: the declaration the policy requires is effectively missing.",
        fix: "Move the line into the last paragraph of the message, with the other trailers \
              (no blank line between them).",
    },
];

/// The entry for `code`.
pub fn lookup(code: &str) -> Option<&'static Entry> {
    CATALOG.iter().find(|e| e.code == code)
}

/// `explain <code>` (an entry) or `explain` (the list) on stdout.
pub fn print(entry: Option<&Entry>) {
    match entry {
        Some(e) => anstream::print!("{}", render(e)),
        None => anstream::print!("{}", list()),
    }
}

/// `explain <code>`: the entry in full.
pub fn render(e: &Entry) -> String {
    let wrap = |label: &str, text: &str| format!("{label}\n{}\n", super::text::wrap(text, 78, "  "));
    format!(
        "{}: {}\n\n{}\n{}\n{}",
        e.code,
        e.title,
        wrap("What it means:", e.means),
        wrap("Why the policy cares:", e.why),
        wrap("How to fix it:", e.fix)
    )
}

/// `explain` without a code: one line per code.
pub fn list() -> String {
    let width = CATALOG.iter().map(|e| e.code.len()).max().unwrap_or(0);
    let mut out = String::from("Finding codes (revertcheck explain <code> for details):\n");
    for e in CATALOG {
        out.push_str(&format!("  {:width$}  {}\n", e.code, e.title));
    }
    out
}
