use revertcheck::lang::*;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let src = std::fs::read(&path).unwrap();
    let q = Queries::load().unwrap();
    let t = IdiomTable::builtin();
    let mut e = Extractor::new(&q, &t, Limits::default());
    let fs = e.extract(&src);
    for d in &fs.definitions {
        println!(
            "DEF {:?} {} {:?} L{}-{} {:?}",
            d.kind,
            fs.name(d.name),
            d.linkage,
            d.start_line,
            d.end_line,
            d.confidence
        );
    }
    for r in &fs.references {
        println!(
            "REF {:?} -> {} {:?} L{}",
            r.from.map(|f| fs.name(fs.definitions[f as usize].name)),
            fs.name(r.name),
            r.kind,
            r.line
        );
    }
    println!("{:?} {:?}", fs.includes, fs.health);
}
