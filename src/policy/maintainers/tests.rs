use super::*;

const FIXTURE: &str = include_str!("../../../fixtures/maintainers/MAINTAINERS");

/// The directories of the tree the fixture is read for (`-d` in get_maintainer.pl).
fn is_dir(p: &str) -> bool {
    ["hw", "hw/pci", "hw/misc", "hw/char", "hw/s390x", "include", "include/hw", "include/hw/pci", "docs"].contains(&p)
}

/// (path, sections `get_maintainer.pl -f path --sections` lists for it, deepest first), as
/// QEMU's script at ece408818d27 printed them for this fixture in a tree with these files.
const TABLE: &[(&str, &[&str])] = &[
    ("Makefile", &["------------------------------"]),
    ("hw/pci/pci.c", &["PCI"]),
    ("hw/pci/deeper/bus.c", &["PCI"]),
    ("hw/pci/legacy.c", &[]),
    ("include/hw/pci/pci.h", &["PCI"]),
    ("include/hw/pci/sub/x.h", &[]),
    ("hw/char/sclp.c", &["SCLP"]),
    ("hw/char/sclpconsole.h", &["SCLP"]),
    ("hw/char/sclp.o", &[]),
    ("hw/s390x/ccw-device.c", &["SCLP"]),
    ("hw/s390x/ccw-deviceXc", &[]),
    ("pc-bios/dtb/pegasos2.dtb", &["SCLP"]),
    ("pc-bios/dtb/pegasos3.dtb", &[]),
    ("hw/{a,b}/x.c", &["Braces are literal"]),
    ("hw/a/x.c", &[]),
    // QEMU's get_maintainer.pl does not read `N:` (no QEMU section has one); Linux's reads it so.
    ("hw/display/virtio-gpu.c", &["Names and keywords"]),
    ("docs/virtio-gpu.rst", &["Names and keywords"]),
    ("hw/misc/imx6.c", &["Files in a directory only"]),
    ("hw/misc/sub/imx6.c", &[]),
    ("tests/qtest/foo-test.c", &[]),
];

#[test]
fn table_of_paths_and_their_sections() {
    let m = Maintainers::parse_in(FIXTURE, &is_dir);
    for (path, want) in TABLE {
        let got: Vec<&str> = m.sections_for(path).iter().map(|s| s.title.as_str()).collect();
        assert_eq!(&got, want, "{path}");
    }
    assert_eq!(m.skipped_lines(), 0);
}

#[test]
fn a_directory_without_its_slash_needs_the_tree() {
    // Without knowing `hw/pci` is a directory, `F: hw/pci` is one more slash short.
    let m = Maintainers::parse(FIXTURE);
    assert!(m.sections_for("hw/pci/pci.c").is_empty());
    assert_eq!(m.sections_for("hw/pci")[0].title, "PCI");
}

#[test]
fn people_lists_status_and_keywords() {
    let m = Maintainers::parse_in(FIXTURE, &is_dir);
    let pci = m.sections_for("hw/pci/pci.c")[0];
    assert_eq!(pci.status.as_deref(), Some("Supported"));
    assert_eq!(pci.maintainers, ["Michael S. Tsirkin <mst@redhat.com>"]);
    assert_eq!(pci.reviewers, ["Marcel Apfelbaum <marcel@example.org>"]);
    assert_eq!(pci.lists, ["qemu-devel@nongnu.org"]);
    let k: Vec<&str> =
        m.sections_for_text("Subject: [PATCH] a Trivial fix\n").iter().map(|s| s.title.as_str()).collect();
    assert_eq!(k, ["Names and keywords"]);
    assert!(m.sections_for_text("Subject: [PATCH] hw/pci: fix\n").is_empty());
}

#[test]
fn real_qemu_maintainers_parses() {
    let Ok(git_dir) = std::env::var("REVERTCHECK_QEMU") else { return };
    let out = std::process::Command::new("git")
        .args(["--git-dir", &git_dir, "show", "ece408818d27f745ef1b05fb3cc99a1e7a5bf580:MAINTAINERS"])
        .output()
        .unwrap();
    let m = Maintainers::parse(&String::from_utf8_lossy(&out.stdout));
    assert!(m.len() > 500, "{} sections", m.len());
    assert!(m.sections_for("hw/pci/pci.c").iter().any(|s| s.title.contains("PCI")));
}
