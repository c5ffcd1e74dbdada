//! Stage 3: [`Records`] → [`Charts`]: the SP18 savings bars, the SPC charts
//! of the appendix and the SPC variation icons, drawn with plotters as SVG
//! text in the embedded font. Deterministic: the same records give the same
//! bytes.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use std::collections::BTreeMap;

use crate::compute::records::{ChartId, Class, Records, SavingsRecord, SpcChartRecord};
use crate::methods::period::{Month, BASELINE_MONTHS};
use crate::render::fonts;
use crate::render::svg;
use crate::render::theme::Theme;

/// One drawn chart, addressed by the id the records give it.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Its file in the layout's world, e.g. `/charts/savings-18.svg`.
    pub id: ChartId,
    pub svg: String,
    /// Size in points; the layout places it at this size.
    pub width: f64,
    pub height: f64,
    /// Heights of the chart's bands, top to bottom, for layouts that align
    /// text with them (the savings labels); empty otherwise.
    pub rows: Vec<f64>,
}

/// All charts of a pack, by id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Charts {
    pub charts: BTreeMap<ChartId, Chart>,
}

impl Charts {
    pub fn get(&self, id: &ChartId) -> Option<&Chart> {
        self.charts.get(id)
    }
}

/// Height of one savings bar's band, in points; the layout aligns the
/// labels to these bands.
pub const SAVINGS_BAND: f64 = 30.0;
/// Height of the savings chart's axis area, in points.
pub const SAVINGS_AXIS: f64 = 24.0;
/// Width of the savings chart, in points.
pub const SAVINGS_WIDTH: f64 = 130.0;
/// Size of an SPC chart in the appendix, in points.
pub const SPC_WIDTH: f64 = 370.0;
pub const SPC_HEIGHT: f64 = 165.0;

/// One chart to draw.
enum Job<'r> {
    Savings(&'r SavingsRecord),
    Spc(&'r SpcChartRecord),
    Icon(Class),
    Symbol(Class),
}

impl Job<'_> {
    fn draw(&self, theme: &Theme) -> Chart {
        match self {
            Job::Savings(s) => savings_chart(s, theme),
            Job::Spc(c) => spc_chart(c, theme),
            Job::Icon(class) => variation_icon(*class, theme),
            Job::Symbol(class) => class_symbol(*class, theme),
        }
    }
}

/// Draws every chart the records ask for in the theme's colours and font
/// (a layout's `theme.json`, or [`crate::render::theme::theme`]), spread
/// over the machine's cores; the order (and every byte) is the same however
/// many cores there are.
pub fn render(records: &Records, theme: &Theme) -> Charts {
    fonts::register_for_charts();
    let mut jobs = Vec::new();
    for p in &records.priorities {
        if let Some(s) = &p.savings {
            jobs.push(Job::Savings(s));
        }
    }
    jobs.extend(records.appendix.iter().map(Job::Spc));
    for class in [Class::CommonCause, Class::Improvement, Class::Concern] {
        jobs.push(Job::Icon(class));
    }
    for class in [Class::Improvement, Class::NoChange, Class::Deterioration] {
        jobs.push(Job::Symbol(class));
    }
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(jobs.len().div_ceil(8))
        .max(1);
    let chunk = jobs.len().div_ceil(workers).max(1);
    let charts = std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|j| j.draw(theme)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("chart drawing does not panic"))
            .map(|c: Chart| (c.id.clone(), c))
            .collect()
    });
    let mut charts: BTreeMap<ChartId, Chart> = charts;
    for c in [watermark(theme), dash(theme)] {
        charts.insert(c.id.clone(), c);
    }
    Charts { charts }
}

/// "DRAFT" as drawn strokes in the draft colour, faint: the watermark. Not
/// text, so that its letters are not scattered through the page's text when
/// it is extracted or copied (issue #31).
fn watermark(theme: &Theme) -> Chart {
    // Each letter 50 wide and 70 high, 14 apart, stroked 11 wide.
    let letters = [
        "M0,0 L24,0 Q50,0 50,35 Q50,70 24,70 L0,70 Z",
        "M0,70 L0,0 L30,0 Q50,0 50,18 Q50,36 30,36 L0,36 M26,36 L50,70",
        "M0,70 L25,0 L50,70 M10,46 L40,46",
        "M50,0 L0,0 L0,70 M0,34 L40,34",
        "M0,0 L50,0 M25,0 L25,70",
    ];
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"332\" height=\"82\" viewBox=\"-6 -6 332 82\"><g fill=\"none\" stroke=\"{}\" stroke-opacity=\"0.12\" stroke-width=\"11\" stroke-linejoin=\"round\" stroke-linecap=\"round\">",
        theme.draft
    );
    for (i, d) in letters.iter().enumerate() {
        svg.push_str(&format!(
            "<path transform=\"translate({} 0)\" d=\"{d}\"/>",
            i * 64
        ));
    }
    svg.push_str("</g></svg>");
    Chart {
        id: ChartId::watermark(),
        svg,
        width: 332.0,
        height: 82.0,
        rows: Vec::new(),
    }
}

/// The dash printed in an empty cell (its alt text says why it is empty).
fn dash(theme: &Theme) -> Chart {
    Chart {
        id: ChartId::dash(),
        svg: format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" height=\"8\" viewBox=\"0 0 8 8\"><path d=\"M1,4 L7,4\" stroke=\"{}\" stroke-width=\"1\"/></svg>",
            theme.muted
        ),
        width: 8.0,
        height: 8.0,
        rows: Vec::new(),
    }
}

fn rgb(hex: &str) -> RGBColor {
    let v = crate::render::theme::parse_hex(hex).expect("a checked theme's colours are #RRGGBB");
    RGBColor((v >> 16) as u8, (v >> 8) as u8, v as u8)
}

/// plotters' SVG backend writes `font-size` as the requested size / 1.24.
const SVG_FONT_SCALE: f64 = 1.24;

/// Chart text of `size` points as the SVG will print it.
fn font(theme: &Theme, size: f64) -> TextStyle<'_> {
    (theme.font.as_str(), size * SVG_FONT_SCALE)
        .into_font()
        .color(&rgb(&theme.text))
}

/// Horizontal bars, one band per item, the amount printed at each bar's end.
fn savings_chart(s: &SavingsRecord, theme: &Theme) -> Chart {
    let n = s.items.len().max(1);
    let w = SAVINGS_WIDTH;
    let h = SAVINGS_BAND * n as f64 + SAVINGS_AXIS;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w as u32, h as u32)).into_drawing_area();
        root.fill(&rgb(&theme.charts.background)).expect("draw");
        let max = s
            .items
            .iter()
            .map(|i| i.amount)
            .filter(|a| a.is_finite())
            .fold(0.0, f64::max)
            .max(1.0);
        let (_, x_max) = axis_range(0.0, nice_ceiling(max * 1.3));
        // Room at both ends for the axis labels' half widths (the `0`).
        let mut chart = ChartBuilder::on(&root)
            .margin_left(6)
            .margin_right(6)
            .x_label_area_size(SAVINGS_AXIS as u32)
            .build_cartesian_2d(0.0..x_max, 0.0..n as f64)
            .expect("chart");
        chart
            .configure_mesh()
            .disable_y_mesh()
            .disable_y_axis()
            .x_labels(5)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .label_style(font(theme, 7.0))
            .x_desc(s.unit.as_str())
            .axis_desc_style(font(theme, 7.0))
            .light_line_style(TRANSPARENT)
            .bold_line_style(rgb(&theme.charts.grid))
            .axis_style(rgb(&theme.charts.axis))
            .draw()
            .expect("mesh");
        let bar = rgb(&theme.charts.bar);
        for (i, item) in s.items.iter().enumerate() {
            // Within the axis, so that the pixel arithmetic cannot overflow.
            let amount = match item.amount.is_nan() {
                false => item.amount.clamp(-x_max, x_max),
                true => 0.0,
            };
            let top = (n - i) as f64 - 0.2;
            let bottom = (n - i - 1) as f64 + 0.2;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, bottom), (amount, top)],
                    bar.filled(),
                )))
                .expect("bar");
            let style = font(theme, 7.5).pos(Pos::new(HPos::Left, VPos::Center));
            chart
                .draw_series(std::iter::once(Text::new(
                    item.text.clone(),
                    (amount + x_max * 0.02, (top + bottom) / 2.0),
                    style,
                )))
                .expect("label");
        }
        root.present().expect("present");
    }
    let mut rows = vec![SAVINGS_BAND; n];
    rows.push(SAVINGS_AXIS);
    Chart {
        id: s.chart.clone(),
        svg: svg::compact(&svg),
        width: w,
        height: h,
        rows,
    }
}

/// The largest axis end drawn: far above any figure the input lets through
/// (`docs/workbook.md`, numbers), small enough that plotters' tick search
/// stays finite.
const AXIS_LIMIT: f64 = 1e15;

/// An axis range plotters can draw: finite, within ±[`AXIS_LIMIT`], its ends
/// apart. Huge, infinite or NaN ends never reach plotters, whose tick
/// search would not end on them.
fn axis_range(lo: f64, hi: f64) -> (f64, f64) {
    let clamp = |v: f64, default: f64| match v.is_nan() {
        false => v.clamp(-AXIS_LIMIT, AXIS_LIMIT),
        true => default,
    };
    let (lo, hi) = (clamp(lo, 0.0), clamp(hi, 1.0));
    if hi > lo {
        (lo, hi)
    } else {
        (lo, lo + lo.abs().max(1.0))
    }
}

/// A round number at or above `v` for an axis end (1, 2, 2.5, 5 × 10ⁿ).
fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    for step in [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if step * mag >= v {
            return step * mag;
        }
    }
    10.0 * mag
}

/// The colour of an SPC signal: its points and its variation icon.
fn signal_hex(class: Class, theme: &Theme) -> &str {
    match class {
        Class::Improvement => &theme.charts.spc_improvement,
        Class::Concern => &theme.charts.spc_concern,
        _ => &theme.charts.spc_common,
    }
}

/// `Apr 12`: an axis tick.
fn month_tick(month: Month) -> String {
    format!("{} {:02}", &month.name()[..3], month.year.rem_euclid(100))
}

/// An XmR chart: points and line, mean, process limits, the baseline
/// shaded, signals coloured, and the projection's trend and interval.
fn spc_chart(c: &SpcChartRecord, theme: &Theme) -> Chart {
    let (w, h) = (SPC_WIDTH, SPC_HEIGHT);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w as u32, h as u32)).into_drawing_area();
        root.fill(&rgb(&theme.charts.background)).expect("draw");
        draw_spc(&root, c, theme);
        root.present().expect("present");
    }
    Chart {
        id: c.chart.clone(),
        svg: svg::compact(&svg),
        width: w,
        height: h,
        rows: Vec::new(),
    }
}

/// An SPC chart's plotting area: months on x (by index), values on y.
type SpcArea<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The chart's months: the series', then the projection year's.
fn spc_months(c: &SpcChartRecord) -> Vec<Month> {
    let mut months: Vec<Month> = c.points.iter().map(|p| p.month).collect();
    if let Some(p) = &c.projection {
        for (m, _) in &p.line {
            if !months.contains(m) {
                months.push(*m);
            }
        }
    }
    months
}

/// The y range: every point, drawn limit and trend value, padded, never
/// below 0 (nor above 100 % for a proportion).
fn spc_y_range(c: &SpcChartRecord) -> (f64, f64) {
    let trend = c
        .projection
        .iter()
        .flat_map(|p| p.line.iter().map(|(_, v)| *v));
    let values = c
        .points
        .iter()
        .map(|p| p.value)
        .chain(trend)
        .filter(|v| v.is_finite());
    let (lower, upper) = c.drawn_limits;
    let (lo, hi) = values.fold((lower, upper), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let pad = ((hi - lo) * 0.08).max(1e-6);
    // Counts and rates are never below 0 (nor rates above 100 %).
    let ceiling = if c.is_proportion() { 1.0 } else { f64::MAX };
    axis_range((lo - pad).max(0.0), (hi + pad).min(ceiling))
}

fn draw_spc(root: &DrawingArea<SVGBackend<'_>, Shift>, c: &SpcChartRecord, theme: &Theme) {
    let months = spc_months(c);
    let (lo, hi) = spc_y_range(c);
    let n = months.len() as f64;
    let mut chart = ChartBuilder::on(root)
        .margin(4)
        .margin_right(10)
        .x_label_area_size(18)
        .y_label_area_size(38)
        .build_cartesian_2d(-0.5..n - 0.5, lo..hi)
        .expect("chart");
    let is_proportion = c.is_proportion();
    // A proportion's axis in whole percent, or to one decimal when the
    // chart spans under 5 points (so that no two labels read the same).
    let percent_decimals = is_proportion.then_some(usize::from((hi - lo) * 100.0 < 5.0));
    draw_spc_mesh(&mut chart, &months, percent_decimals, theme);
    draw_spc_baseline(&mut chart, c, (lo, hi), theme);
    if c.projection.is_some() {
        draw_spc_projection(&mut chart, c, &months, (lo, hi), theme);
    }
    draw_spc_centre_lines(&mut chart, c, (lo, hi), theme);
    draw_spc_series(&mut chart, c, theme);
}

/// Axes and grid: every twelfth month labelled from the first (every sixth
/// ran the labels together where the HTML page scales a chart down with its
/// text legible, issue #31); values as
/// counts, or as percentages with `percent_decimals` decimals.
fn draw_spc_mesh(
    chart: &mut SpcArea,
    months: &[Month],
    percent_decimals: Option<usize>,
    theme: &Theme,
) {
    let tick = |x: &f64| -> String {
        let i = x.round();
        if (x - i).abs() > 1e-6 || i < 0.0 || !(i as usize).is_multiple_of(12) {
            return String::new();
        }
        months
            .get(i as usize)
            .map(|m| month_tick(*m))
            .unwrap_or_default()
    };
    let y_fmt = |v: &f64| -> String {
        if let Some(d) = percent_decimals {
            format!("{:.d$}%", v * 100.0)
        } else {
            format!("{v:.0}")
        }
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(months.len() + 1)
        .x_label_formatter(&tick)
        .y_labels(5)
        .y_label_formatter(&y_fmt)
        .label_style(font(theme, 7.0))
        .light_line_style(TRANSPARENT)
        .bold_line_style(rgb(&theme.charts.grid))
        .axis_style(rgb(&theme.charts.axis))
        .draw()
        .expect("mesh");
}

/// The baseline period, shaded.
fn draw_spc_baseline(chart: &mut SpcArea, c: &SpcChartRecord, (lo, hi): (f64, f64), theme: &Theme) {
    let baseline_end = (BASELINE_MONTHS as f64 - 1.0).min(c.points.len() as f64 - 1.0);
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(-0.5, lo), (baseline_end + 0.5, hi)],
            rgb(&theme.charts.baseline_shade).filled(),
        )))
        .expect("baseline");
    // The shade's end as a line in the axis colour: the shade alone is
    // under 3:1 on the page (WCAG 1.4.11), and vanishes in grey print.
    chart
        .draw_series(std::iter::once(PathElement::new(
            [(baseline_end + 0.5, lo), (baseline_end + 0.5, hi)],
            rgb(&theme.charts.axis).stroke_width(1),
        )))
        .expect("baseline end");
}

/// The projection year's interval band and the dashed trend line.
fn draw_spc_projection(
    chart: &mut SpcArea,
    c: &SpcChartRecord,
    months: &[Month],
    (lo, hi): (f64, f64),
    theme: &Theme,
) {
    let Some(p) = &c.projection else { return };
    let index = |m: &Month| months.iter().position(|x| x == m).unwrap_or(0) as f64;
    let n = months.len() as f64;
    let last_point = c.points.len() as f64 - 1.0;
    let year_start = p
        .line
        .iter()
        .map(|(m, _)| index(m))
        .find(|x| *x > last_point)
        .unwrap_or(n - 12.0);
    // The band is computed with the records (methods v3: the months to
    // come); none is drawn where no interval prints.
    if let Some((band_low, band_high)) = p.band {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [
                    (year_start - 0.5, band_low.max(lo)),
                    (n - 0.5, band_high.min(hi)),
                ],
                rgb(&theme.charts.projection_band).filled(),
            )))
            .expect("band");
        // The interval's ends as dotted lines in the trend's colour: the
        // band's fill alone is under 3:1 on the page (WCAG 1.4.11).
        for edge in [band_low.max(lo), band_high.min(hi)] {
            chart
                .draw_series(DashedLineSeries::new(
                    [(year_start - 0.5, edge), (n - 0.5, edge)],
                    1,
                    2,
                    rgb(&theme.charts.projection_line).stroke_width(1),
                ))
                .expect("band edge");
        }
    }
    chart
        .draw_series(DashedLineSeries::new(
            p.line.iter().map(|(m, v)| (index(m), *v)),
            4,
            3,
            rgb(&theme.charts.projection_line).stroke_width(1),
        ))
        .expect("trend");
}

/// The mean, and the process limits that fall inside the chart.
fn draw_spc_centre_lines(
    chart: &mut SpcArea,
    c: &SpcChartRecord,
    (lo, hi): (f64, f64),
    theme: &Theme,
) {
    let last_x = c.points.len() as f64 - 1.0;
    chart
        .draw_series(LineSeries::new(
            [(-0.5, c.mean), (last_x + 0.5, c.mean)],
            rgb(&theme.charts.mean).stroke_width(1),
        ))
        .expect("mean");
    let (lower, upper) = c.drawn_limits;
    for limit in [lower, upper] {
        if limit >= lo && limit <= hi {
            chart
                .draw_series(DashedLineSeries::new(
                    [(-0.5, limit), (last_x + 0.5, limit)],
                    3,
                    2,
                    rgb(&theme.charts.limit).stroke_width(1),
                ))
                .expect("limit");
        }
    }
}

/// The series as a line, and its points marked by signal.
fn draw_spc_series(chart: &mut SpcArea, c: &SpcChartRecord, theme: &Theme) {
    chart
        .draw_series(LineSeries::new(
            c.points
                .iter()
                .enumerate()
                .map(|(i, p)| (i as f64, p.value)),
            rgb(&theme.charts.series_line).stroke_width(1),
        ))
        .expect("line");
    // Markers differ in shape and fill as well as colour, so that they read
    // in grey print: common cause a small grey disc, improvement a ring
    // (white inside a dark blue outline), concern an orange square with a
    // dark outline.
    let at = |class: Class| {
        c.points
            .iter()
            .enumerate()
            .filter(move |(_, p)| {
                p.signal == class
                    || (class == Class::CommonCause
                        && !matches!(p.signal, Class::Improvement | Class::Concern))
            })
            .map(|(i, p)| (i as f64, p.value))
    };
    let common = rgb(signal_hex(Class::CommonCause, theme));
    chart
        .draw_series(at(Class::CommonCause).map(|xy| Circle::new(xy, 2, common.filled())))
        .expect("points");
    let ring = rgb(theme.reading_text(Class::Improvement));
    let inside = rgb(&theme.charts.background);
    chart
        .draw_series(at(Class::Improvement).map(|xy| {
            EmptyElement::at(xy)
                + Circle::new((0, 0), 3, inside.filled())
                + Circle::new((0, 0), 3, ring.stroke_width(2))
        }))
        .expect("points");
    let (fill, edge) = (
        rgb(signal_hex(Class::Concern, theme)),
        rgb(theme.reading_text(Class::Concern)),
    );
    chart
        .draw_series(at(Class::Concern).map(|xy| {
            EmptyElement::at(xy)
                + Rectangle::new([(-3, -3), (3, 3)], fill.filled())
                + Rectangle::new([(-3, -3), (3, 3)], edge.stroke_width(1))
        }))
        .expect("points");
}

/// The variation icon beside an SPC reading: a circle in the reading's
/// colour holding a small run of points, with H or L for a special cause
/// (by the palette, improvement blue, concern orange, common cause grey).
fn variation_icon(class: Class, theme: &Theme) -> Chart {
    let colour = signal_hex(class, theme);
    let background = &theme.charts.background;
    let dots = match class {
        Class::Improvement => [(6.0, 13.0), (9.0, 12.0), (12.0, 10.0), (15.0, 8.0)],
        Class::Concern => [(6.0, 8.0), (9.0, 10.0), (12.0, 12.0), (15.0, 13.0)],
        _ => [(6.0, 10.0), (9.0, 11.5), (12.0, 9.0), (15.0, 10.5)],
    };
    let mut svg = String::new();
    svg.push_str(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"20\" height=\"20\" viewBox=\"0 0 20 20\">",
    );
    svg.push_str(&format!(
        "<circle cx=\"10\" cy=\"10\" r=\"9\" fill=\"{background}\" stroke=\"{colour}\" stroke-width=\"2\"/>"
    ));
    let path: Vec<String> = dots.iter().map(|(x, y)| format!("{x},{y}")).collect();
    svg.push_str(&format!(
        "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1\"/>",
        path.join(" ")
    ));
    for (x, y) in dots {
        svg.push_str(&format!(
            "<circle cx=\"{x}\" cy=\"{y}\" r=\"1.4\" fill=\"{colour}\"/>"
        ));
    }
    svg.push_str("</svg>");
    Chart {
        id: ChartId::icon(class),
        svg,
        width: 20.0,
        height: 20.0,
        rows: Vec::new(),
    }
}

/// The symbol beside a classed figure, in the class's text colour: a tick
/// for an improvement, a disc for no significant change, a cross for a
/// deterioration. None points up or down: a class is not a direction.
fn class_symbol(class: Class, theme: &Theme) -> Chart {
    let colour = theme.class_text(class);
    let shape = match class {
        Class::Improvement => "<polyline points=\"1,5.2 4,8.4 9,1.6\" stroke-width=\"2.2\" stroke-linecap=\"round\" stroke-linejoin=\"round\" fill=\"none\" stroke=\"COLOUR\"/><path d=\"\"",
        Class::Deterioration => "<path d=\"M1.8,1.8 L8.2,8.2 M8.2,1.8 L1.8,8.2\" stroke-width=\"2.2\" stroke-linecap=\"round\" fill=\"none\" stroke=\"COLOUR\"/><path d=\"\"",
        _ => "<circle cx=\"5\" cy=\"5\" r=\"4.2\"",
    };
    let shape = shape.replace("COLOUR", colour);
    Chart {
        id: ChartId::symbol(class),
        svg: format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\" viewBox=\"0 0 10 10\">{shape} fill=\"{colour}\"/></svg>"
        ),
        width: 10.0,
        height: 10.0,
        rows: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_ends_are_round() {
        assert_eq!(nice_ceiling(26.4), 30.0);
        assert_eq!(nice_ceiling(19.0), 20.0);
        assert_eq!(nice_ceiling(2.1), 2.5);
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(month_tick(Month::new(2012, 4).unwrap()), "Apr 12");
    }

    #[test]
    fn axis_range_is_finite_for_huge_nan_and_infinite_values() {
        assert_eq!(axis_range(0.0, 30.0), (0.0, 30.0));
        assert_eq!(
            axis_range(0.0, nice_ceiling(1.7e308 * 1.3)),
            (0.0, AXIS_LIMIT)
        );
        assert_eq!(axis_range(f64::NAN, f64::NAN), (0.0, 1.0));
        assert_eq!(axis_range(5.0, 5.0), (5.0, 10.0));
        assert_eq!(axis_range(f64::NEG_INFINITY, -1e300), (-AXIS_LIMIT, 0.0));
    }

    #[test]
    fn savings_chart_of_a_huge_amount_ends() {
        let bar = |amount: f64| crate::compute::records::SavingsBar {
            label: "Savings".into(),
            amount,
            text: "x".into(),
        };
        let record = SavingsRecord {
            items: vec![bar(1.7e308), bar(f64::NAN), bar(f64::INFINITY)],
            unit: "£ millions".into(),
            chart: ChartId::savings("18"),
            alt: String::new(),
        };
        let chart = savings_chart(&record, &crate::render::theme::theme());
        assert!(chart.svg.contains("<svg"));
    }
}
