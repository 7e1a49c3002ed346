//! The daily chart as a self-contained SVG: stacked bars per day by category, a y axis with round ticks, a legend.
//! From a single day (a 24-hour period) to a month. Categories beyond six are folded into "Lainnya" / "Other".

use std::fmt::Write as _;

use serde::Serialize;
use sinergi_domain::i18n::{Lang, Msg};

use crate::svg::{FONT, esc, nice_step, num, text, text_width};

/// Counts per day by category.
///
/// `lang` is not in the brief's struct: it is needed for the label of the folded categories ("Lainnya" / "Other")
/// and the "no data" note, which come from the translation layer.
#[derive(Debug, Clone, Serialize)]
pub struct DailyChart {
    pub lang: Lang,
    pub title: String,
    /// The day labels ("28/11"), in order.
    pub days: Vec<String>,
    /// (category label, count per day); a missing day counts 0, counts beyond the days are ignored.
    pub series: Vec<(String, Vec<u32>)>,
}

/// How many categories are shown on their own; the others are summed into one.
pub const MAX_CATEGORIES: usize = 6;

/// Viridis (dark to light, so the stacks stay apart in grey print), and a hatched grey for "Other".
const PALETTE: [&str; MAX_CATEGORIES] = ["#440154", "#414487", "#2a788e", "#22a884", "#7ad151", "#fde725"];
const OTHER: &str = "url(#sinergi-chart-other)";

const WIDTH: f64 = 640.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 44.0;
const PLOT_H: f64 = 220.0;

/// The step between y ticks and the top of the axis (a multiple of the step, at least `max`), for about five
/// ticks; counts are whole, so the step is at least 1.
pub(crate) fn ticks(max: u32) -> (u32, u32) {
    let step = nice_step(f64::from(max) / 5.0).max(1.0) as u32;
    let top = max.div_ceil(step).max(1) * step;
    (step, top)
}

/// The series with the categories beyond [`MAX_CATEGORIES`] (the smallest totals) summed into "Other"; the kept
/// ones stay in the caller's order.
fn fold(chart: &DailyChart) -> Vec<(String, Vec<u32>, &'static str)> {
    let n = chart.days.len();
    let counts = |v: &Vec<u32>| (0..n).map(|i| v.get(i).copied().unwrap_or(0)).collect::<Vec<u32>>();
    let mut totals: Vec<(usize, u64)> =
        chart.series.iter().enumerate().map(|(i, (_, v))| (i, v.iter().take(n).map(|&c| u64::from(c)).sum())).collect();
    if chart.series.len() <= MAX_CATEGORIES {
        return chart
            .series
            .iter()
            .zip(PALETTE)
            .map(|((label, v), colour)| (label.clone(), counts(v), colour))
            .collect();
    }
    totals.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut kept: Vec<usize> = totals.iter().take(MAX_CATEGORIES).map(|(i, _)| *i).collect();
    kept.sort_unstable();
    let mut out: Vec<(String, Vec<u32>, &'static str)> = kept
        .iter()
        .zip(PALETTE)
        .map(|(&i, colour)| (chart.series[i].0.clone(), counts(&chart.series[i].1), colour))
        .collect();
    let mut other = vec![0u32; n];
    for (i, (_, v)) in chart.series.iter().enumerate() {
        if !kept.contains(&i) {
            for (o, c) in other.iter_mut().zip(counts(v)) {
                *o = o.saturating_add(c);
            }
        }
    }
    out.push((chart.lang.t(Msg::PdfChartOther).to_owned(), other, OTHER));
    out
}

/// The chart as a self-contained SVG document (with a `viewBox`; it scales to its container).
pub fn chart_svg(chart: &DailyChart) -> String {
    chart_svg_sized(chart).0
}

/// The chart's SVG and its height over its width.
pub(crate) fn chart_svg_sized(chart: &DailyChart) -> (String, f64) {
    let series = fold(chart);
    let n = chart.days.len();
    let totals: Vec<u32> =
        (0..n).map(|d| series.iter().fold(0u32, |acc, (_, v, _)| acc.saturating_add(v[d]))).collect();
    let max = totals.iter().copied().max().unwrap_or(0);
    let (step, top) = ticks(max);
    let plot_w = WIDTH - LEFT - RIGHT;
    let bottom = TOP + PLOT_H;
    let y_of = |v: f64| bottom - v / f64::from(top) * PLOT_H;

    let mut body = String::new();
    // Grid lines and y ticks.
    let mut t = 0u32;
    while t <= top {
        let y = y_of(f64::from(t));
        let _ = write!(
            body,
            r##"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{}" stroke-width="{}"/>"##,
            num(LEFT),
            num(WIDTH - RIGHT),
            if t == 0 { "#000000" } else { "#d0d0d0" },
            if t == 0 { "1" } else { "0.6" },
            y = num(y)
        );
        text(&mut body, LEFT - 6.0, y + 3.5, 10.0, "end", "", &chart.lang.number(u64::from(t)));
        t = match t.checked_add(step) {
            Some(next) => next,
            None => break,
        };
    }
    if n == 0 || max == 0 {
        text(
            &mut body,
            LEFT + plot_w / 2.0,
            TOP + PLOT_H / 2.0,
            13.0,
            "middle",
            r##" fill="#555""##,
            chart.lang.t(Msg::PdfNoData),
        );
    }
    if n > 0 {
        let band = plot_w / n as f64;
        let bar_w = (band * 0.7).min(56.0);
        let widest = chart.days.iter().map(|d| text_width(d, 10.0)).fold(0.0, f64::max);
        let label_every = ((widest + 8.0) / band).ceil().max(1.0) as usize;
        for d in 0..n {
            let x = LEFT + band * d as f64 + (band - bar_w) / 2.0;
            let mut acc = 0u32;
            for (label, v, colour) in &series {
                if v[d] == 0 {
                    continue;
                }
                let (y0, y1) = (y_of(f64::from(acc)), y_of(f64::from(acc.saturating_add(v[d]))));
                acc = acc.saturating_add(v[d]);
                let _ = write!(
                    body,
                    r##"<rect x="{}" y="{}" width="{}" height="{}" fill="{colour}" stroke="#ffffff" stroke-width="0.8"><title>{}: {}</title></rect>"##,
                    num(x),
                    num(y1),
                    num(bar_w),
                    num(y0 - y1),
                    esc(label),
                    v[d]
                );
            }
            if n <= 14 && totals[d] > 0 {
                text(
                    &mut body,
                    x + bar_w / 2.0,
                    y_of(f64::from(totals[d])) - 4.0,
                    10.0,
                    "middle",
                    r#" font-weight="bold""#,
                    &chart.lang.number(u64::from(totals[d])),
                );
            }
            if d % label_every == 0 {
                text(&mut body, LEFT + band * (d as f64 + 0.5), bottom + 15.0, 10.0, "middle", "", &chart.days[d]);
            }
        }
    }

    // Legend, wrapped to the width; the first category (the bottom of the stack) first.
    let mut legend = String::new();
    let mut x = LEFT;
    let mut y = bottom + 40.0;
    for (label, _, colour) in &series {
        let w = 18.0 + text_width(label, 10.0) + 14.0;
        if x + w > WIDTH - RIGHT && x > LEFT {
            x = LEFT;
            y += 18.0;
        }
        let _ = write!(
            legend,
            r##"<rect x="{}" y="{}" width="13" height="11" fill="{colour}" stroke="#4d4d4d" stroke-width="0.6"/>"##,
            num(x),
            num(y - 9.5)
        );
        text(&mut legend, x + 18.0, y, 10.0, "start", "", label);
        x += w;
    }
    let height = if series.is_empty() { bottom + 28.0 } else { y + 12.0 };

    let mut out = String::with_capacity(body.len() + legend.len() + 1024);
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-family="{FONT}" role="img" aria-label="{title}"><title>{title}</title><defs><pattern id="sinergi-chart-other" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="5" height="5" fill="#bdbdbd"/><line x1="0" y1="0" x2="0" y2="5" stroke="#636363" stroke-width="1.5"/></pattern></defs><rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>"##,
        w = num(WIDTH),
        h = num(height),
        title = esc(&chart.title)
    );
    text(&mut out, 10.0, 22.0, 15.0, "start", r#" font-weight="bold""#, &chart.title);
    out.push_str(&body);
    out.push_str(&legend);
    out.push_str("</svg>");
    (out, height / WIDTH)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(days: usize, categories: usize) -> DailyChart {
        DailyChart {
            lang: Lang::Id,
            title: "Insiden per hari".into(),
            days: (0..days).map(|d| format!("{}/11", d + 1)).collect(),
            series: (0..categories)
                .map(|c| (format!("Kategori {c}"), (0..days).map(|d| ((c + d) % 5) as u32).collect()))
                .collect(),
        }
    }

    #[test]
    fn ticks_are_round_and_cover_the_maximum() {
        assert_eq!(ticks(0), (1, 1));
        assert_eq!(ticks(1), (1, 1));
        assert_eq!(ticks(4), (1, 4));
        assert_eq!(ticks(7), (2, 8));
        assert_eq!(ticks(10), (2, 10));
        assert_eq!(ticks(23), (5, 25));
        assert_eq!(ticks(87), (20, 100));
        assert_eq!(ticks(1234), (500, 1500));
        let (step, top) = ticks(u32::MAX / 2);
        assert!(top >= u32::MAX / 2 && step > 0);
    }

    #[test]
    fn folds_categories_beyond_six() {
        let mut c = chart(7, 9);
        c.series[8].1 = vec![100; 7]; // the largest: kept
        let svg = chart_svg(&c);
        assert!(svg.contains(">Lainnya</text>"));
        assert!(svg.contains(">Kategori 8</text>"));
        assert_eq!(svg.matches("width=\"13\" height=\"11\"").count(), 7, "six categories and Other in the legend");
        // Six kept and "Other": the hatched pattern is used.
        assert!(svg.contains("fill=\"url(#sinergi-chart-other)\""));
        let en = chart_svg(&DailyChart { lang: Lang::En, ..c });
        assert!(en.contains(">Other</text>"));
        // Six or fewer: nothing folded.
        assert!(!chart_svg(&chart(7, 6)).contains("Lainnya"));
    }

    #[test]
    fn one_day_to_a_month_and_empty() {
        for days in [1, 7, 31] {
            let svg = chart_svg(&chart(days, 3));
            assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
            assert!(svg.contains(">1/11</text>"));
        }
        // 31 days: not every label fits, but the first does; the totals are not written above the bars.
        let month = chart_svg(&chart(31, 3));
        assert!(month.matches("/11</text>").count() < 31);
        let empty = chart_svg(&DailyChart { lang: Lang::En, title: "t".into(), days: vec![], series: vec![] });
        assert!(empty.contains("No data"));
        let ragged = DailyChart {
            lang: Lang::Id,
            title: "t".into(),
            days: vec!["1/12".into(), "2/12".into()],
            series: vec![("A".into(), vec![3]), ("B".into(), vec![1, 2, 99])],
        };
        let svg = chart_svg(&ragged);
        assert!(svg.contains("<title>A: 3</title>") && !svg.contains(": 99<"), "{svg}");
    }
}
