//! A workbook nobody had built before the listen-through (issue #31): Avon
//! and Somerset, period ended September 2026, filled in from `boardpack
//! init`'s starter as a new analyst would — a few priorities, footnotes, `NA`
//! cells, a savings panel, a long narrative and a long table that flow on to
//! another column, a footnoted row inside the flowing table, and `# * $ [ <
//! @` in the text.

use super::cells::{month_ends, n, set_report, t};
use boardpack::support::xlsx::{SheetData, Value, WorkbookData};
use chrono::NaiveDate;

/// The workbook's data (`cargo run --example listen` on its PDF is the
/// listen-through of docs/accessibility.md).
pub fn avon() -> WorkbookData {
    let period_end = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
    let mut wb = boardpack::support::starter::starter(period_end);
    set_report(&mut wb, "force", t("Avon and Somerset"));
    set_report(
        &mut wb,
        "area",
        t("Bristol, Bath and North East Somerset, North Somerset, South Glos and Somerset"),
    );
    set_report(&mut wb, "board", t("Police and Crime Board"));

    // Priorities, in print order (the starter's example overwritten).
    let mut pri = SheetData::new(
        "Priorities",
        &["Code", "Title", "Layout", "Columns", "Note"],
    );
    pri.validations = wb.sheet("Priorities").unwrap().validations.clone();
    for row in [
        ["1", "To reduce all crime", "table", "baseline, latest, var, projection",
         "Figures exclude #OpBluestone cases <pilot> & [restricted] items; ask @ASPolice for $ costs*."],
        ["2", "Reducing reoffending and the harm of drugs", "table", "ytd, lytd, var", ""],
        ["3", "Keeping people safe online", "assessment", "", ""],
        ["4", "Tackling violence against women and girls (VAWG)", "narrative", "", ""],
        ["5", "Improving the service to victims and witnesses across every part of the force area and partner agencies", "table", "baseline, latest, var", ""],
        ["6", "Deliver £18.5m of savings by 2027/28 while protecting the front line", "savings", "", ""],
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
            "Total recorded crime",
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
            "SP1.burglary",
            "1",
            "Residential burglary (#, *, $ and [brackets] kept)",
            "count",
            "down",
            "",
            "1",
            "",
        ],
        [
            "SP2.drugs",
            "2",
            "Successful completions of drug treatment",
            "count",
            "up",
            "",
            "2",
            "",
        ],
        [
            "SP2.reoffend",
            "2",
            "Reoffending rate of adults on IOM <Integrated Offender Management>",
            "proportion",
            "down",
            "",
            "",
            "(IOM cohort)",
        ],
        [
            "SP2.nte",
            "2",
            "Incidents in the night-time economy",
            "count",
            "down",
            "",
            "",
            "",
        ],
        [
            "SP3.fraud",
            "3",
            "Reported online fraud against residents @ risk",
            "assessment",
            "",
            "",
            "",
            "",
        ],
        [
            "SP3.schools",
            "3",
            "Schools reached by the online safety programme",
            "assessment",
            "",
            "",
            "",
            "",
        ],
    ];
    let victim_rows: [(&str, &str, &str, &str); 22] = [
        ("SP5.sat", "Victim satisfaction with the whole experience, from first contact to the outcome of the case", "", ""),
        ("SP5.contact", "Satisfaction with ease of contacting the police by phone, online or at a front counter", "", ""),
        ("SP5.action", "Satisfaction with the actions taken by the officer or staff member attending", "", ""),
        ("SP5.informed", "Satisfaction with being kept informed of progress in the investigation", "3", ""),
        ("SP5.treatment", "Satisfaction with the treatment received from officers and staff throughout", "", ""),
        ("SP5.vcop", "Victims told of their rights under the Victims' Code of Practice within 5 days", "", "(VCOP)"),
        ("SP5.needs", "Victims whose needs were assessed and referred to Lighthouse Safeguarding Unit", "", ""),
        ("SP5.witness", "Witnesses who attended court and felt supported throughout the trial", "4", ""),
        ("SP5.repeat", "Repeat victims of anti-social behaviour contacted within 48 hours", "", ""),
        ("SP5.hate", "Victims of hate crime satisfied with the whole experience", "", ""),
        ("SP5.dv", "Victims of domestic abuse satisfied with the whole experience", "", ""),
        ("SP5.young", "Victims aged under 18 satisfied with the whole experience", "", ""),
        ("SP5.disabled", "Disabled victims satisfied with the whole experience", "", ""),
        ("SP5.rural", "Victims in rural areas satisfied with the time taken to attend", "", ""),
        ("SP5.online", "Victims who reported online and were satisfied with the follow-up", "", ""),
        ("SP5.callback", "Victims called back within the time they were promised", "", ""),
        ("SP5.older", "Victims aged 75 or over satisfied with the whole experience", "", ""),
        ("SP5.language", "Victims who needed an interpreter and were offered one at first contact", "", ""),
        ("SP5.business", "Businesses reporting crime satisfied with the whole experience", "", ""),
        ("SP5.asbaction", "Victims of anti-social behaviour satisfied with the action taken", "", ""),
        ("SP5.outcome", "Victims told the outcome of their case within 5 working days", "3", ""),
        ("SP5.recommend", "Victims who would recommend reporting to a friend [new question] <2025>", "5", ""),
    ];
    for (code, label, foot, note) in victim_rows {
        indicators.push([code, "5", label, "proportion", "up", "", foot, note]);
    }
    for r in &indicators {
        ind.row(r.iter().map(|s| t(s)).collect());
    }

    // Monthly: counts and surveys from April 2023 to September 2026.
    let mut monthly = SheetData::new("Monthly", &["Indicator", "Month", "Value", "Base"]);
    monthly.date_columns = vec![1];
    let ms = month_ends((2023, 4), (2026, 9));
    let season = |d: &NaiveDate| {
        use chrono::Datelike;
        [
            0.93, 0.88, 0.97, 0.98, 1.03, 1.02, 1.08, 1.06, 1.01, 1.02, 0.99, 1.03,
        ][d.month0() as usize]
    };
    let mut crime_latest = 0.0;
    for (i, d) in ms.iter().enumerate() {
        let crime = ((11_800.0 - i as f64 * 25.0) * season(d)).round();
        if i + 12 >= ms.len() {
            crime_latest += crime;
        }
        monthly.row(vec![t("SP1.crime"), Value::Date(*d), n(crime)]);
        let burglary = ((620.0 + i as f64 * 4.0) * season(d)).round();
        monthly.row(vec![t("SP1.burglary"), Value::Date(*d), n(burglary)]);
        let drugs = (95.0 + i as f64 * 0.8 + (i % 3) as f64).round();
        monthly.row(vec![t("SP2.drugs"), Value::Date(*d), n(drugs)]);
        let base = 400.0 + (i % 5) as f64 * 10.0;
        monthly.row(vec![
            t("SP2.reoffend"),
            Value::Date(*d),
            n((base * 0.31).round()),
            n(base),
        ]);
        for (k, (code, ..)) in victim_rows.iter().enumerate() {
            let base = 300.0 + (k * 7) as f64 + (i % 4) as f64 * 5.0;
            let rate = 0.70 + k as f64 * 0.005 + if k % 3 == 0 { i as f64 * 0.002 } else { 0.0 };
            monthly.row(vec![
                t(code),
                Value::Date(*d),
                n((base * rate).round()),
                n(base),
            ]);
        }
    }

    // Values: NA, an assessment in words, a figure with a note, a cell
    // left empty on purpose.
    let mut values = SheetData::new("Values", &["Indicator", "Column", "Value", "Base", "Note"]);
    values.validations = wb.sheet("Values").unwrap().validations.clone();
    for row in [
        vec![t("SP2.nte"), t("ytd"), t("NA")],
        vec![t("SP2.nte"), t("lytd"), t("NA")],
        vec![t("SP2.nte"), t("var"), t("NA")],
        vec![t("SP3.fraud"), t("assessment"), t("Improving")],
        vec![t("SP3.schools"), t("assessment"), t("No change")],
        vec![t("SP5.witness"), t("baseline"), t("NA")],
        vec![t("SP5.witness"), t("var"), Value::Empty],
        vec![t("SP5.recommend"), t("baseline"), t("NA")],
        vec![t("SP5.recommend"), t("var"), t("NA")],
        vec![
            t("SP5.young"),
            t("latest"),
            Value::Percent(0.781),
            Value::Empty,
            t("To Aug 26"),
        ],
    ] {
        values.row(row);
    }

    let mut peers = SheetData::new("Peers", &["Indicator", "Force", "Value", "Population"]);
    for (force, rate, population) in [
        ("Avon and Somerset", 1.0, 1_800_000.0),
        ("Devon and Cornwall", 0.82, 1_800_000.0),
        ("Hampshire", 1.05, 2_000_000.0),
        ("Thames Valley", 0.97, 2_400_000.0),
    ] {
        let value = (crime_latest * rate * population / 1_800_000.0_f64).round();
        peers.row(vec![t("SP1.crime"), t(force), n(value), n(population)]);
    }

    let mut narrative = SheetData::new("Narrative", &["Section", "Kind", "Text"]);
    narrative.validations = wb.sheet("Narrative").unwrap().validations.clone();
    let mut vawg: Vec<(&str, &str)> = vec![
        ("paragraph", "Operation Bluestone (now Soteria) changed how rape and serious sexual offences are investigated: specialist teams, a suspect-focused approach and early advice from the CPS."),
        ("heading", "What we did this quarter"),
    ];
    let bullets = [
        "Trained 420 officers in trauma-informed interviewing [phase 2 of 3].",
        "Opened two more sexual assault referral clinics, in Taunton and Weston-super-Mare.",
        "Funded 12 independent sexual violence advisers (ISVAs) with the NHS & local councils.",
        "Ran the #NoExcuse campaign with 150 licensed premises <late-night venues>.",
        "Set up a single referral route for stalking victims @ the Lighthouse unit.",
        "Reviewed every domestic abuse case over 90 days old * with the CPS.",
        "Published the VAWG strategy for 2026-2029 after consulting 3,000 residents.",
    ];
    for b in bullets {
        vawg.push(("bullet", b));
    }
    vawg.push(("heading", "What the data shows"));
    for p in [
        "Reports of rape rose by 9% on last year, which we read as growing confidence in reporting rather than more offending; charge rates rose from 4% to 7% over the same period, still far below where they should be.",
        "Stalking and harassment reports have risen for six quarters in a row. A $ cost per case is not yet known; the Home Office is funding a study across four forces, and its first findings are due in spring 2027.",
        "Domestic homicide reviews: two were completed this quarter, both published on the OPCC website with their action plans; every recommendation has an owner and a date, and progress is reported to this board each quarter.",
        "Perpetrator programmes: 85 men started the Drive programme this year * against a target of 120. Referrals from neighbourhood teams are lower than planned [see the action plan], and a new referral form goes live in November.",
        "Honour-based abuse: 31 referrals this year, against 22 last year; every case was reviewed by the specialist team within 24 hours, and two protection orders were granted by the courts.",
        "Spiking: 140 reports since April, most in Bristol's night-time economy; testing kits are now carried by every response team, and results come back within 10 days on average.",
        "Online abuse of women and girls is the fastest-growing area of demand; the force has joined the national pilot of a single reporting route for image-based abuse.",
        "Domestic abuse arrests rose by 14%, and the proportion of cases closed because the victim did not support action fell from 58% to 51%: this is the measure the board asked us to watch most closely.",
    ] {
        vawg.push(("paragraph", p));
    }
    for (kind, text) in vawg {
        narrative.row(vec![t("4"), t(kind), t(text)]);
    }
    narrative.row(vec![
        t("6"),
        t("paragraph"),
        t("Savings are cash-releasing; the figures are £ millions at 2026/27 prices."),
    ]);
    narrative.row(vec![
        t("SP1/2/5 Comments"),
        t("heading"),
        t("Where the figures come from"),
    ]);
    for text in [
        "SP5 figures are from the Victim Satisfaction Survey (about 300 victims a month).",
        "SP2's night-time economy measure is NA until the new recording system (Niche) is live.",
    ] {
        narrative.row(vec![t("SP1/2/5 Comments"), t("bullet"), t(text)]);
    }
    narrative.row(vec![t("Note"), t("paragraph"), t("Prepared by the OPCC performance team. Queries: performance@avonandsomerset-pcc.example (not a real address).")]);

    let mut savings = SheetData::new("Savings", &["Item", "Amount"]);
    for (item, amount) in [
        ("Savings required by 2027/28", 18.5),
        ("Savings delivered to date", 11.2),
        ("Savings planned but not yet delivered", 4.9),
        ("Savings still to be found", 2.4),
    ] {
        savings.row(vec![t(item), n(amount)]);
    }

    let mut footnotes = SheetData::new("Footnotes", &["Marker", "Text"]);
    for (m, text) in [
        ("*", "The difference from the baseline year is within what chance variation would give."),
        ("1", "Residential burglary replaced domestic burglary in the Home Office counting rules from April 2023."),
        ("2", "Completions are counted in the month the treatment ended."),
        ("3", "Asked only of victims whose case was still open six weeks after the report."),
        ("4", "Witness Care Unit survey; the baseline year was not surveyed."),
        ("5", "A question added in April 2025 @ the request of the Victims' Commissioner: no baseline."),
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
