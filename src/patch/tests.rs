use super::*;

fn patch(n: u32, total: u32, subject: &str, body: &str, file: &str) -> String {
    format!(
        "From 1234567890abcdef1234567890abcdef12345678 Mon Sep 17 00:00:00 2001\n\
From: A Human <human@example.org>\nDate: Mon, 1 Jun 2026 10:00:00 +0200\n\
Subject: [PATCH v2 {n}/{total}] {subject}\nMessage-ID: <{n}@example.org>\n\n\
{body}\n\nAI-used-for: tests\nSigned-off-by: A Human <human@example.org>\n---\n {file} | 1 +\n 1 file changed\n\n\
diff --git a/{file} b/{file}\nindex 1111111..2222222 100644\n--- a/{file}\n+++ b/{file}\n@@ -1,2 +1,3 @@\n int a;\n+int b;\n int c;\n-- \n2.43.0\n\n"
    )
}

fn cover(total: u32) -> String {
    format!(
        "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\nFrom: A Human <human@example.org>\n\
Subject: [PATCH v2 0/{total}] a series\n\nThe cover letter.\n\n"
    )
}

#[test]
fn series_with_cover_letter_in_patch_order() {
    let mbox = format!(
        "{}{}{}{}",
        cover(3),
        patch(2, 3, "second", "Body two.", "b.c"),
        patch(1, 3, "first", "Body one.", "a.c"),
        patch(3, 3, "third", "Body three.", "c.c")
    );
    let mails = parse_mbox(mbox.as_bytes(), "s.mbox").unwrap();
    assert_eq!(mails.iter().map(|m| m.subject.as_str()).collect::<Vec<_>>(), ["first", "second", "third"]);
    let m = &mails[0];
    assert_eq!(m.prefix.as_deref(), Some("PATCH v2 1/3"));
    assert_eq!(m.number, Some((1, 3)));
    assert_eq!(m.author, "A Human <human@example.org>");
    assert_eq!(m.message_id.as_deref(), Some("<1@example.org>"));
    assert_eq!(m.message, "first\n\nBody one.\n\nAI-used-for: tests\nSigned-off-by: A Human <human@example.org>\n");
    assert!(m.diff.starts_with(b"diff --git a/a.c b/a.c\n"));
    assert!(m.diff.ends_with(b"+int b;\n int c;\n"), "signature stripped: {:?}", String::from_utf8_lossy(&m.diff));
}

#[test]
fn crlf_and_single_format_patch_file() {
    let p = patch(1, 1, "only", "Body.", "x.c").replace('\n', "\r\n");
    let mails = parse_mbox(p.as_bytes(), "0001-only.patch").unwrap();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].subject, "only");
    assert!(!mails[0].diff.contains(&b'\r'));
}

#[test]
fn encoded_subject_author_and_quoted_printable_body() {
    let mail = "From: =?ISO-8859-1?Q?Andr=E9?= <a@b.org>\nSubject: =?UTF-8?q?=5BPATCH=5D_hw/foo:_caf=C3=A9?=\n\
Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\n\
Fix the caf=C3=A9 path, a long line that wraps =\nhere.\n\nSigned-off-by: Andr=C3=A9 <a@b.org>\n---\n\
diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n";
    let mails = parse_mbox(mail.as_bytes(), "m.eml").unwrap();
    assert_eq!(mails[0].subject, "hw/foo: café");
    assert_eq!(mails[0].author, "André <a@b.org>");
    assert!(mails[0].message.contains("Fix the café path, a long line that wraps here."));
    assert!(mails[0].message.contains("Signed-off-by: André <a@b.org>"));
}

#[test]
fn escaped_from_lines_are_restored() {
    let p = patch(1, 1, "s", "Some text\n>From the start of a line", "x.c");
    let mails = parse_mbox(p.as_bytes(), "x").unwrap();
    assert!(mails[0].message.contains("\nFrom the start of a line"), "{}", mails[0].message);
}

#[test]
fn bad_inputs_are_named() {
    assert_eq!(parse_mbox(b"  \n", "e.mbox").unwrap_err().to_string(), "e.mbox: empty input");
    let png = b"\x89PNG\r\n\x1a\n\0\0\0";
    assert!(parse_mbox(png, "p.mbox").unwrap_err().to_string().starts_with("p.mbox: not an mbox"));
    assert!(parse_mbox(b"hello world\n", "t.txt").unwrap_err().to_string().contains("first line: `hello world`"));
    let only_cover = cover(2);
    assert_eq!(
        parse_mbox(only_cover.as_bytes(), "c.mbox").unwrap_err().to_string(),
        "c.mbox: no patches found (1 messages, none with a diff)"
    );
    let truncated = patch(1, 1, "cut", "B.", "x.c").replace("+int b;\n int c;\n", "+int b;\n");
    let e = parse_mbox(truncated.as_bytes(), "t.mbox").unwrap_err().to_string();
    assert!(e.starts_with("t.mbox: message 1 (\"cut\"): line 5 of the diff: x.c: hunk"), "{e}");
    let bad_header = patch(1, 1, "hdr", "B.", "x.c").replace("@@ -1,2 +1,3 @@", "@@ -one +1 @@");
    assert!(parse_mbox(bad_header.as_bytes(), "h").unwrap_err().to_string().contains("bad hunk header"));
}

#[test]
fn binary_patch_and_plain_diff() {
    let bin = "From: A <a@b>\nSubject: [PATCH] add logo\n\nSigned-off-by: A <a@b>\n---\n\
diff --git a/logo.png b/logo.png\nnew file mode 100644\nindex 0000000..1111111\nGIT binary patch\nliteral 4\nLcmZ?l0000\n\nliteral 0\nKcmV+b0RR6000031\n";
    let mails = parse_mbox(bin.as_bytes(), "b").unwrap();
    assert!(parse_diff(&String::from_utf8_lossy(&mails[0].diff)).unwrap()[0].binary);
    let plain = "diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n";
    let mails = parse_mbox(plain.as_bytes(), "d.diff").unwrap();
    assert_eq!(mails[0].subject, "");
    assert_eq!(mails[0].diff, plain.as_bytes());
}

#[test]
fn ten_thousand_patches() {
    let mut mbox = String::new();
    for i in 1..=10_000 {
        mbox.push_str(&patch(i, 10_000, &format!("patch {i}"), "B.", "x.c"));
    }
    let mails = parse_mbox(mbox.as_bytes(), "big.mbox").unwrap();
    assert_eq!(mails.len(), 10_000);
    assert_eq!(mails[9_999].subject, "patch 10000");
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for len in 0..300 {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                b"From :\n@-+ diff--git=?qQbB[]/0123\r\xff"[(seed % 33) as usize]
            })
            .collect();
        let _ = parse_mbox(&bytes, "fuzz");
    }
}
