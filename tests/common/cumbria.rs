//! The second listen-through's workbook (issue #31): Cumbria, period ended
//! March 2027, built by nobody before it, as an analyst's board paper has
//! it — every kind of table the contract allows (counts with their SPC row
//! and position v MSG, proportions, a year-to-date table, assessments),
//! `NA` and empty cells, figure notes ("To Feb 27"), footnotes on rows of a
//! table long enough to flow on, comment boxes with headings and bullets, a
//! savings panel, a long narrative, accented place and people's names,
//! quotes, an ampersand, and a URL and an e-mail address in notes.

use super::cells::{month_ends, n, set_report, t};
use boardpack::support::xlsx::{SheetData, Value, WorkbookData};
use chrono::NaiveDate;

/// The workbook's data (`cargo run --example listen` on its PDF is the
/// listen-through of docs/accessibility.md).
pub fn cumbria() -> WorkbookData {
    let period_end = NaiveDate::from_ymd_opt(2027, 3, 31).unwrap();
    let mut wb = boardpack::support::starter::starter(period_end);
    set_report(&mut wb, "force", t("Cumbria"));
    set_report(
        &mut wb,
        "area",
        t("Allerdale, Barrow-in-Furness, Carlisle, Copeland, Eden & South Lakeland"),
    );
    set_report(&mut wb, "board", t("Police, Fire and Crime Panel"));

    let mut pri = SheetData::new(
        "Priorities",
        &["Code", "Title", "Layout", "Columns", "Note"],
    );
    pri.validations = wb.sheet("Priorities").unwrap().validations.clone();
    for row in [
        ["1", "Keeping Cumbria's communities safe: Carlisle, Penrith & Barrow-in-Furness", "table", "baseline, latest, var, projection",
         "Method: https://www.westmorlandandfurness-pfcc.example/performance (figures to 31 March 2027)."],
        ["2", "Roads policing and the \"Fatal Four\"", "table", "ytd, lytd, var", ""],
        ["3", "Public confidence", "assessment", "", ""],
        ["4", "Rural, wildlife & heritage crime", "narrative", "", ""],
        ["5", "Putting victims first: the Victims' Code, Ulverston and Whitehaven hubs and every partner agency", "table", "baseline, latest, var", ""],
        ["6", "Deliver £9.8m of savings by 2028/29", "savings", "", ""],
    ] {
        pri.row(row.iter().map(|s| t(s)).collect());
    }

    let mut ind = SheetData::new(
        "Indicators",
        &[
            "Code", "Priority", "Label", "Kind", "Polarity", "Source", "Footnote", "Note",
        ],
    );
    ind.validations = wb.sheet("Indicators").unwrap().validations.clone();
    let mut indicators: Vec<[&str; 8]> = vec![
        [
            "SP1.crime",
            "1",
            "All recorded crime",
            "count",
            "down",
            "",
            "",
            "",
        ],
        [
            "SP1.msg",
            "1",
            "Position v MSG",
            "rank",
            "",
            "SP1.crime",
            "",
            "",
        ],
        [
            "SP1.spc",
            "1",
            "SPC variance",
            "spc",
            "",
            "SP1.crime",
            "",
            "",
        ],
        [
            "SP1.asb",
            "1",
            "Anti-social behaviour incidents",
            "count",
            "down",
            "",
            "1",
            "(Storm & Command data)",
        ],
        [
            "SP1.conf",
            "1",
            "Residents who say the police do a \"good\" or \"excellent\" job",
            "proportion",
            "up",
            "",
            "",
            "",
        ],
        [
            "SP2.ksi",
            "2",
            "Killed or seriously injured on Cumbria's roads",
            "count",
            "down",
            "",
            "2",
            "",
        ],
        [
            "SP2.ksispc",
            "2",
            "SPC variance",
            "spc",
            "",
            "SP2.ksi",
            "",
            "",
        ],
        [
            "SP2.drink",
            "2",
            "Drink & drug driving arrests",
            "count",
            "up",
            "",
            "",
            "",
        ],
        [
            "SP2.speed",
            "2",
            "Speeding detections on the A66 and A590",
            "count",
            "down",
            "",
            "",
            "",
        ],
        [
            "SP2.belt",
            "2",
            "Drivers stopped who were wearing a seat belt",
            "proportion",
            "up",
            "",
            "",
            "",
        ],
        [
            "SP3.rural",
            "3",
            "Confidence of rural residents",
            "assessment",
            "",
            "",
            "",
            "",
        ],
        [
            "SP3.young",
            "3",
            "Confidence of young people (11–17)",
            "assessment",
            "",
            "",
            "",
            "",
        ],
        [
            "SP3.online",
            "3",
            "Trust in the force's online reporting",
            "assessment",
            "",
            "",
            "",
            "",
        ],
    ];
    let victim_rows: [(&str, &str, &str, &str); 32] = [
        (
            "SP5.sat",
            "Victims satisfied with the whole experience",
            "",
            "",
        ),
        (
            "SP5.contact",
            "Satisfied with how easy it was to contact the police",
            "",
            "",
        ),
        (
            "SP5.action",
            "Satisfied with the action taken by the officer attending",
            "3",
            "",
        ),
        (
            "SP5.informed",
            "Kept informed of progress in their case",
            "",
            "",
        ),
        (
            "SP5.treatment",
            "Satisfied with how they were treated",
            "",
            "",
        ),
        (
            "SP5.vcop",
            "Told of their rights under the Victims' Code within 5 days",
            "",
            "(VCOP)",
        ),
        (
            "SP5.needs",
            "Needs assessed and referred to Victim Support Cumbria",
            "",
            "",
        ),
        (
            "SP5.witness",
            "Witnesses who felt supported at Carlisle Crown Court",
            "4",
            "",
        ),
        (
            "SP5.repeat",
            "Repeat victims of anti-social behaviour contacted within 48 hours",
            "",
            "",
        ),
        (
            "SP5.hate",
            "Victims of hate crime satisfied with the whole experience",
            "",
            "",
        ),
        (
            "SP5.dv",
            "Victims of domestic abuse satisfied with the whole experience",
            "3",
            "",
        ),
        (
            "SP5.young",
            "Victims aged under 18 satisfied with the whole experience",
            "",
            "",
        ),
        (
            "SP5.rural",
            "Victims in rural areas satisfied with the time taken to attend",
            "",
            "",
        ),
        (
            "SP5.callback",
            "Victims called back within the time promised",
            "",
            "",
        ),
        (
            "SP5.older",
            "Victims aged 75 or over satisfied with the whole experience",
            "",
            "",
        ),
        (
            "SP5.welsh",
            "Victims offered an interpreter at first contact",
            "",
            "",
        ),
        (
            "SP5.business",
            "Businesses reporting crime satisfied (Penrith & Kendal pilot)",
            "5",
            "",
        ),
        (
            "SP5.asbaction",
            "Victims of anti-social behaviour satisfied with the action taken",
            "",
            "",
        ),
        (
            "SP5.outcome",
            "Victims told the outcome of their case within 5 working days",
            "3",
            "",
        ),
        (
            "SP5.recommend",
            "Victims who would recommend reporting to a friend",
            "5",
            "",
        ),
        (
            "SP5.keswick",
            "Victims in Keswick & Cockermouth satisfied with the follow-up",
            "",
            "",
        ),
        (
            "SP5.whitehaven",
            "Victims at the Whitehaven hub satisfied with the whole experience",
            "6",
            "",
        ),
        (
            "SP5.ulverston",
            "Victims at the Ulverston hub satisfied with the whole experience",
            "6",
            "",
        ),
        (
            "SP5.barrow",
            "Victims in Barrow-in-Furness satisfied with the time taken to attend",
            "",
            "",
        ),
        (
            "SP5.appleby",
            "Victims in Appleby & Kirkby Stephen satisfied with the whole experience",
            "",
            "",
        ),
        (
            "SP5.stalking",
            "Victims of stalking given a named officer within 24 hours",
            "3",
            "",
        ),
        (
            "SP5.rape",
            "Victims of rape referred to a sexual assault referral centre",
            "",
            "(SARC)",
        ),
        (
            "SP5.fraud",
            "Victims of fraud contacted by the economic crime unit",
            "",
            "",
        ),
        (
            "SP5.cyber",
            "Victims of cyber crime given prevention advice",
            "",
            "",
        ),
        (
            "SP5.roads",
            "Families bereaved on the roads given a family liaison officer",
            "2",
            "",
        ),
        (
            "SP5.restorative",
            "Victims offered restorative justice",
            "",
            "",
        ),
        (
            "SP5.feedback",
            "Victims asked for feedback who gave it",
            "6",
            "",
        ),
    ];
    for (code, label, foot, note) in victim_rows {
        indicators.push([code, "5", label, "proportion", "up", "", foot, note]);
    }
    for r in &indicators {
        ind.row(r.iter().map(|s| t(s)).collect());
    }

    let mut monthly = SheetData::new("Monthly", &["Indicator", "Month", "Value", "Base"]);
    monthly.date_columns = vec![1];
    let ms = month_ends((2023, 4), (2027, 3));
    let season = |d: &NaiveDate| {
        use chrono::Datelike;
        [
            0.94, 0.9, 0.98, 1.04, 1.06, 1.01, 1.03, 1.0, 0.98, 1.02, 0.99, 1.05,
        ][d.month0() as usize]
    };
    let mut crime_latest = 0.0;
    for (i, d) in ms.iter().enumerate() {
        let crime = ((2_900.0 - i as f64 * 6.0) * season(d)).round();
        if i + 12 >= ms.len() {
            crime_latest += crime;
        }
        monthly.row(vec![t("SP1.crime"), Value::Date(*d), n(crime)]);
        let asb = ((1_450.0 + i as f64 * 3.0) * season(d)).round();
        monthly.row(vec![t("SP1.asb"), Value::Date(*d), n(asb)]);
        let base = 250.0 + (i % 4) as f64 * 10.0;
        monthly.row(vec![
            t("SP1.conf"),
            Value::Date(*d),
            n((base * (0.71 + i as f64 * 0.002)).round()),
            n(base),
        ]);
        let ksi = (24.0 + (i % 5) as f64 - i as f64 * 0.15).round();
        monthly.row(vec![t("SP2.ksi"), Value::Date(*d), n(ksi)]);
        let drink = (58.0 + i as f64 * 0.6 + (i % 3) as f64).round();
        monthly.row(vec![t("SP2.drink"), Value::Date(*d), n(drink)]);
        let speed = ((1_200.0 - i as f64 * 4.0) * season(d)).round();
        monthly.row(vec![t("SP2.speed"), Value::Date(*d), n(speed)]);
        let base = 180.0 + (i % 3) as f64 * 6.0;
        monthly.row(vec![
            t("SP2.belt"),
            Value::Date(*d),
            n((base * 0.93).round()),
            n(base),
        ]);
        for (k, (code, ..)) in victim_rows.iter().enumerate() {
            let base = 160.0 + (k * 5) as f64 + (i % 4) as f64 * 4.0;
            let rate = 0.72 + k as f64 * 0.004 + if k % 4 == 1 { i as f64 * 0.002 } else { 0.0 };
            monthly.row(vec![
                t(code),
                Value::Date(*d),
                n((base * rate).round()),
                n(base),
            ]);
        }
    }

    let mut values = SheetData::new("Values", &["Indicator", "Column", "Value", "Base", "Note"]);
    values.validations = wb.sheet("Values").unwrap().validations.clone();
    for row in [
        vec![t("SP2.speed"), t("ytd"), t("NA")],
        vec![t("SP2.speed"), t("lytd"), t("NA")],
        vec![t("SP2.speed"), t("var"), t("NA")],
        vec![t("SP2.belt"), t("lytd"), Value::Empty],
        vec![
            t("SP2.drink"),
            t("ytd"),
            n(702.0),
            Value::Empty,
            t("To Feb 27"),
        ],
        vec![t("SP3.rural"), t("assessment"), t("Improving")],
        vec![t("SP3.young"), t("assessment"), t("No change")],
        vec![t("SP3.online"), t("assessment"), t("NA")],
        vec![t("SP5.witness"), t("baseline"), t("NA")],
        vec![t("SP5.witness"), t("var"), Value::Empty],
        vec![t("SP5.business"), t("baseline"), t("NA")],
        vec![t("SP5.business"), t("var"), t("NA")],
        vec![
            t("SP5.young"),
            t("latest"),
            Value::Percent(0.764),
            Value::Empty,
            t("To Feb 27"),
        ],
    ] {
        values.row(row);
    }

    let mut peers = SheetData::new("Peers", &["Indicator", "Force", "Value", "Population"]);
    for (force, rate, population) in [
        ("Cumbria", 1.0, 500_000.0),
        ("Dyfed-Powys", 0.91, 520_000.0),
        ("North Yorkshire", 1.04, 830_000.0),
        ("Lincolnshire", 1.12, 770_000.0),
        ("Devon and Cornwall", 0.95, 1_800_000.0),
    ] {
        let value = (crime_latest * rate * population / 500_000.0_f64).round();
        peers.row(vec![t("SP1.crime"), t(force), n(value), n(population)]);
    }

    let mut narrative = SheetData::new("Narrative", &["Section", "Kind", "Text"]);
    narrative.validations = wb.sheet("Narrative").unwrap().validations.clone();
    let mut rural: Vec<(&str, &str)> = vec![
        ("paragraph", "Operation Hawk, led by PC Siobhán Ó Súilleabháin in Penrith, brings the rural crime team, the National Farmers' Union and the Lake District National Park together: \"we finally feel someone is listening\", one farmer told the Appleby meeting."),
        ("heading", "What we did this quarter"),
    ];
    for b in [
        "Marked 1,200 quad bikes and trailers with forensic marking at Ulverston and Cockermouth auctions.",
        "Ran 'Operation Galileo' against hare coursing on the Solway plain with Dumfries & Galloway.",
        "Trained 35 special constables as rural & wildlife crime officers.",
        "Fitted CCTV at 14 remote heritage sites, from Hadrian's Wall to Furness Abbey.",
        "Returned £310,000 of stolen plant and machinery to its owners.",
    ] {
        rural.push(("bullet", b));
    }
    rural.push(("heading", "What the data shows"));
    for p in [
        "Rural crime fell by 7% on last year; thefts of farm machinery fell the most, and livestock worrying rose for the third year running — the team reads this as better reporting after the spring campaign.",
        "Wildlife crime reports rose from 41 to 58. Most were raptor persecution on grouse moors near Alston and Shap; two cases are with the CPS, and a first prosecution under the new Act is expected in the summer.",
        "Heritage crime: lead thefts from church roofs in Eden and the Furness peninsula stopped after the CCTV scheme; the Church of England's insurer has paid for 6 more sites.",
        "Fly-tipping is counted by the councils, not the police: their figures are on the Cumbria Waste Partnership's website and are not repeated here.",
        "The team answered 94% of 'Rural Watch' messages within a day; the target is 90%.",
    ] {
        rural.push(("paragraph", p));
    }
    for (kind, text) in rural {
        narrative.row(vec![t("4"), t(kind), t(text)]);
    }
    narrative.row(vec![
        t("6"),
        t("paragraph"),
        t("Savings are cash-releasing, £ millions at 2026/27 prices, as agreed with the Chief Constable & the Commissioner."),
    ]);
    narrative.row(vec![
        t("SP1/2/5 Comments"),
        t("heading"),
        t("Reading these figures"),
    ]);
    for text in [
        "SP5 figures are from the Victim Satisfaction Survey (about 170 victims a month).",
        "Speeding detections are NA this year: the camera partnership's new system is not yet live.",
        "The seat-belt survey did not run last year, so its year-to-date comparison is empty.",
    ] {
        narrative.row(vec![t("SP1/2/5 Comments"), t("bullet"), t(text)]);
    }
    narrative.row(vec![t("SP1/2/5 Comments"), t("heading"), t("Next quarter")]);
    narrative.row(vec![
        t("SP1/2/5 Comments"),
        t("paragraph"),
        t("Seán O'Brien (Head of Performance) will bring the A595 road-safety review to the June panel."),
    ]);
    narrative.row(vec![
        t("Note"),
        t("paragraph"),
        t("Prepared by the PFCC's performance team, Carleton Hall, Penrith. Queries: performance.team@cumbria-pfcc.example or https://www.cumbria-pfcc.example/contact"),
    ]);

    let mut savings = SheetData::new("Savings", &["Item", "Amount"]);
    for (item, amount) in [
        ("Savings required by 2028/29", 9.8),
        ("Delivered to date", 5.6),
        ("Planned, not yet delivered", 2.9),
        ("Still to be found", 1.3),
    ] {
        savings.row(vec![t(item), n(amount)]);
    }

    let mut footnotes = SheetData::new("Footnotes", &["Marker", "Text"]);
    for (m, text) in [
        ("*", "Within what chance variation would give."),
        ("1", "Incidents recorded on Storm; see https://www.cumbria.police.uk/asb for the categories."),
        ("2", "Department for Transport STATS19 returns; the latest three months are provisional."),
        ("3", "Asked only of victims whose case was open six weeks after the report."),
        ("4", "Witness Care Unit survey, Carlisle & Barrow; the baseline year was not surveyed."),
        ("5", "A question added in April 2025: no baseline."),
        ("6", "The hubs opened in May 2024; contact victims.hubs@cumbria.police.example for the survey's method."),
    ] {
        footnotes.row(vec![t(m), t(text)]);
    }

    for s in [
        pri, ind, monthly, values, peers, narrative, savings, footnotes,
    ] {
        let at = wb.sheets.iter().position(|x| x.name == s.name).unwrap();
        wb.sheets[at] = s;
    }
    wb
}
