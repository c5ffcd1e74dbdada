//! Where the Typst engine spends its time on an ejected project: total and
//! self time per timed scope, and per layout line.
use std::collections::BTreeMap;
use std::time::Instant;
use typst::syntax::{RootedPath, Source, Span, VirtualPath, VirtualRoot};
fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("a project folder"));
    let date = chrono::NaiveDate::from_ymd_opt(2016, 1, 31).unwrap();
    let text = std::fs::read_to_string(dir.join("main.typ")).unwrap();
    let id = RootedPath::new(VirtualRoot::Project, VirtualPath::new("/main.typ").unwrap()).intern();
    let source = Source::new(id, text);
    // LOOP=N: the median of N compiles in this process, the memo emptied
    // before each (as for a batch's next, different, workbook).
    if let Some(n) = std::env::var("LOOP")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    {
        let mut ms: Vec<f64> = (0..n)
            .map(|_| {
                typst::comemo::evict(0);
                let t = Instant::now();
                boardpack::render::document::render_project(&dir, date).unwrap();
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        ms.sort_by(f64::total_cmp);
        eprintln!("median of {n}: {:.1} ms (min {:.1})", ms[n / 2], ms[0]);
        return;
    }
    typst_timing::enable();
    let t = Instant::now();
    boardpack::render::document::render_project(&dir, date).unwrap();
    eprintln!("total {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    let mut out = Vec::new();
    typst_timing::export_json(&mut out, |raw| {
        let span = Span::from_raw(raw);
        let r = match span.get() {
            typst::syntax::SpanKind::Number { id: sid, num } if sid == id => {
                source.range(num, None)
            }
            _ => None,
        };
        match r {
            Some(r) => (
                "main.typ".into(),
                source.lines().byte_to_line(r.start).unwrap_or(0) as u32 + 1,
            ),
            None => ("?".into(), 0),
        }
    })
    .unwrap();
    let events: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
    // per thread stack
    let mut stacks: BTreeMap<u64, Vec<(String, f64, f64)>> = BTreeMap::new();
    let mut total: BTreeMap<String, (f64, f64, u64)> = BTreeMap::new();
    for e in &events {
        let tid = e["tid"].as_u64().unwrap();
        let ts = e["ts"].as_f64().unwrap();
        let mut name = e["name"].as_str().unwrap().to_string();
        if std::env::var_os("BY_LINE").is_some() {
            if let Some(l) = e["args"]["line"].as_u64() {
                name = format!("{name}@{l}");
            }
        }
        let st = stacks.entry(tid).or_default();
        if e["ph"] == "B" {
            st.push((name, ts, 0.0));
        } else if let Some((n, start, child)) = st.pop() {
            let d = ts - start;
            let en = total.entry(n).or_default();
            // total counts only outermost occurrences of the same name
            if !st.iter().any(|(m, _, _)| *m == e["name"].as_str().unwrap()) {
                en.0 += d;
            }
            en.1 += d - child;
            en.2 += 1;
            if let Some(parent) = st.last_mut() {
                parent.2 += d;
            }
        }
    }
    let mut v: Vec<_> = total.into_iter().collect();
    v.sort_by(|a, b| b.1 .1.partial_cmp(&a.1 .1).unwrap());
    eprintln!(
        "{:<40} {:>9} {:>9} {:>7}",
        "scope", "total ms", "self ms", "calls"
    );
    for (n, (t, s, c)) in v.iter().take(40) {
        eprintln!("{n:<40} {:>9.1} {:>9.1} {c:>7}", t / 1e3, s / 1e3);
    }
}
