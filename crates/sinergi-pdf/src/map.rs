//! The situation map as a self-contained SVG, drawn on the server: no tiles, no network, no external reference.
//!
//! Areas (districts of a regency, or regencies of a province) are drawn from their stored rings, shaded by an
//! index on a 5-class sequential scale; an area without rings is drawn as a circle at its centroid (the province
//! case, where no boundaries are stored). Incidents are markers whose shape and darkness grow with the severity,
//! alerts are dashed circles of their radius. A legend and a scale bar in km go with it. The same SVG serves the
//! HTML page and the PDF.
//!
//! Projection: equirectangular, the longitude scaled by the cosine of the middle latitude, fitted to the areas'
//! extent. Rings are simplified to the output resolution (vertices closer than half a pixel dropped, then
//! Douglas–Peucker with a tolerance of 0.5 px), so a regency with a megabyte of boundary coordinates becomes a
//! SVG of some tens of kilobytes.

use std::fmt::Write as _;

use serde::Serialize;
use sinergi_domain::i18n::{Lang, Msg};

use crate::svg::{FONT, esc, nice_step, num, text, text_width};

/// One area of the map.
#[derive(Debug, Clone, Serialize)]
pub struct MapArea {
    pub name: String,
    /// (lon, lat) outer rings and holes as stored (drawn with the even-odd rule); may be empty.
    pub rings: Vec<Vec<(f64, f64)>>,
    /// (lon, lat) where the name (and, without rings, the circle) goes.
    pub centroid: Option<(f64, f64)>,
    /// The area's index, 0..=1; `None` when there is no data.
    pub shade: Option<f64>,
    /// Whether to write the area's name on the map.
    pub label: bool,
}

/// A point on the map.
#[derive(Debug, Clone, Serialize)]
pub struct MapPoint {
    pub lon: f64,
    pub lat: f64,
    pub kind: PointKind,
}

#[derive(Debug, Clone, Serialize)]
pub enum PointKind {
    /// Severity 1 (low) to 4 (critical); other values are clamped.
    Incident { severity: u8 },
    /// An early-warning alert and the radius it covers.
    Alert { radius_km: f64 },
}

/// The legend's texts, in the reader's language. [`MapLegend::new`] gives the standard ones.
#[derive(Debug, Clone, Serialize)]
pub struct MapLegend {
    /// The title of the shading ("Indeks kerawanan").
    pub shade_title: String,
    /// The five classes, from the lowest to the highest; missing ones are shown as their range ("0,2–0,4").
    pub shade_classes: Vec<String>,
    pub no_data: String,
    pub incidents_title: String,
    /// Severity 1 to 4; missing ones are shown as their number.
    pub severities: Vec<String>,
    pub alert: String,
}

impl MapLegend {
    /// The standard legend of the vulnerability index, incidents and early-warning alerts.
    pub fn new(lang: Lang) -> Self {
        let t = |m| lang.t(m).to_owned();
        MapLegend {
            shade_title: t(Msg::PdfMapIndex),
            shade_classes: vec![
                t(Msg::PdfMapClass1),
                t(Msg::PdfMapClass2),
                t(Msg::PdfMapClass3),
                t(Msg::PdfMapClass4),
                t(Msg::PdfMapClass5),
            ],
            no_data: t(Msg::PdfNoData),
            incidents_title: t(Msg::PdfMapIncidents),
            severities: vec![t(Msg::PdfSeverity1), t(Msg::PdfSeverity2), t(Msg::PdfSeverity3), t(Msg::PdfSeverity4)],
            alert: t(Msg::PdfMapAlert),
        }
    }
}

/// Everything the map shows.
#[derive(Debug, Clone, Serialize)]
pub struct MapData {
    pub title: String,
    pub areas: Vec<MapArea>,
    pub points: Vec<MapPoint>,
    pub legend: MapLegend,
}

/// The sequential 5-class scale (light to dark, so the classes stay apart in grey print).
const SHADES: [&str; 5] = ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"];
/// Incident markers by severity: fill, and the shape is in [`marker`].
const SEVERITY_FILL: [&str; 4] = ["#f2f0f7", "#9e9ac8", "#54278f", "#000000"];
const ALERT_COLOUR: &str = "#08519c";

const WIDTH: f64 = 640.0;
const MARGIN: f64 = 10.0;
const FRAME_TOP: f64 = 36.0;
const FRAME_MAX_HEIGHT: f64 = 700.0;
const FRAME_MIN_HEIGHT: f64 = 240.0;
const KM_PER_DEGREE: f64 = 111.32;
/// Room (px) inside the frame around the areas' extent, for the circles and names at the edge.
const INNER: f64 = 22.0;
/// Vertices closer than this (in px) to the last kept one are dropped.
const MIN_VERTEX_DISTANCE: f64 = 0.5;
/// Douglas–Peucker tolerance in px.
const TOLERANCE: f64 = 0.5;

/// The fitted projection: lon/lat to SVG pixels.
#[derive(Debug, Clone, Copy)]
struct Projection {
    min_lon: f64,
    max_lat: f64,
    k: f64,
    /// Pixels per projected degree.
    scale: f64,
    ox: f64,
    oy: f64,
}

impl Projection {
    fn project(&self, (lon, lat): (f64, f64)) -> (f64, f64) {
        (self.ox + (lon - self.min_lon) * self.k * self.scale, self.oy + (self.max_lat - lat) * self.scale)
    }

    fn km_per_px(&self) -> f64 {
        KM_PER_DEGREE / self.scale
    }
}

fn finite((lon, lat): (f64, f64)) -> bool {
    lon.is_finite() && lat.is_finite() && (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)
}

#[derive(Debug, Clone, Copy)]
struct Extent {
    min_lon: f64,
    max_lon: f64,
    min_lat: f64,
    max_lat: f64,
}

impl Extent {
    fn of(points: impl Iterator<Item = (f64, f64)>) -> Option<Extent> {
        let mut extent: Option<Extent> = None;
        for p in points.filter(|p| finite(*p)) {
            let e = extent.get_or_insert(Extent { min_lon: p.0, max_lon: p.0, min_lat: p.1, max_lat: p.1 });
            e.min_lon = e.min_lon.min(p.0);
            e.max_lon = e.max_lon.max(p.0);
            e.min_lat = e.min_lat.min(p.1);
            e.max_lat = e.max_lat.max(p.1);
        }
        extent
    }
}

/// The map as a self-contained SVG document (with a `viewBox`; it scales to its container).
pub fn map_svg(data: &MapData) -> String {
    map_svg_sized(data).0
}

/// The map's SVG and its height over its width.
pub(crate) fn map_svg_sized(data: &MapData) -> (String, f64) {
    let area_points =
        data.areas.iter().flat_map(|a| a.rings.iter().flatten().copied().chain(a.centroid)).collect::<Vec<_>>();
    let extent =
        Extent::of(area_points.iter().copied()).or_else(|| Extent::of(data.points.iter().map(|p| (p.lon, p.lat))));

    let frame_w = WIDTH - 2.0 * MARGIN;
    let mut body = String::new();
    let frame_h;
    let mut legend_needs = LegendNeeds::default();
    match extent {
        None => {
            frame_h = FRAME_MIN_HEIGHT;
            text(
                &mut body,
                WIDTH / 2.0,
                FRAME_TOP + frame_h / 2.0,
                13.0,
                "middle",
                r##" fill="#555""##,
                &data.legend.no_data,
            );
        }
        Some(extent) => {
            let (projection, h) = fit(extent, frame_w);
            frame_h = h;
            draw(data, &projection, frame_w, frame_h, &mut body, &mut legend_needs);
            scale_bar(&projection, frame_h, &mut body);
        }
    }

    let (legend, legend_h) = legend(&data.legend, &legend_needs, FRAME_TOP + frame_h + 12.0);
    let height = FRAME_TOP + frame_h + 12.0 + legend_h + 6.0;

    let mut out = String::with_capacity(body.len() + legend.len() + 1024);
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-family="{FONT}" role="img" aria-label="{title}">"##,
        w = num(WIDTH),
        h = num(height),
        title = esc(&data.title)
    );
    let _ = write!(
        out,
        r##"<title>{}</title><defs><pattern id="sinergi-map-nodata" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#9a9a9a" stroke-width="1.4"/></pattern><clipPath id="sinergi-map-clip"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath></defs>"##,
        esc(&data.title),
        num(MARGIN),
        num(FRAME_TOP),
        num(frame_w),
        num(frame_h)
    );
    let _ = write!(out, r##"<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>"##, num(WIDTH), num(height));
    text(&mut out, MARGIN, 23.0, 17.0, "start", r#" font-weight="bold""#, &data.title);
    out.push_str(&body);
    let _ = write!(
        out,
        r##"<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#808080" stroke-width="0.8"/>"##,
        num(MARGIN),
        num(FRAME_TOP),
        num(frame_w),
        num(frame_h)
    );
    out.push_str(&legend);
    out.push_str("</svg>");
    (out, height / WIDTH)
}

/// The projection fitted to the extent inside a frame `frame_w` wide, and the frame's height.
fn fit(extent: Extent, frame_w: f64) -> (Projection, f64) {
    let mid_lat = (extent.min_lat + extent.max_lat) / 2.0;
    let k = mid_lat.to_radians().cos().max(0.05);
    // A minimum span of 0.05° (about 5 km), so that a single point or a tiny area still gets a map.
    let min_span = 0.05;
    let (mut min_lon, mut max_lon, mut min_lat, mut max_lat) =
        (extent.min_lon, extent.max_lon, extent.min_lat, extent.max_lat);
    if (max_lon - min_lon) * k < min_span {
        let c = (min_lon + max_lon) / 2.0;
        min_lon = c - min_span / k / 2.0;
        max_lon = c + min_span / k / 2.0;
    }
    if max_lat - min_lat < min_span {
        let c = (min_lat + max_lat) / 2.0;
        min_lat = c - min_span / 2.0;
        max_lat = c + min_span / 2.0;
    }
    // 3 % of padding on each side, and room inside the frame for circles and labels at the edge.
    let pad_x = (max_lon - min_lon) * 0.03;
    let pad_y = (max_lat - min_lat) * 0.03;
    min_lon -= pad_x;
    max_lon += pad_x;
    min_lat -= pad_y;
    max_lat += pad_y;
    let dx = (max_lon - min_lon) * k;
    let dy = max_lat - min_lat;
    let scale = ((frame_w - 2.0 * INNER) / dx).min((FRAME_MAX_HEIGHT - 2.0 * INNER) / dy);
    let frame_h = (dy * scale + 2.0 * INNER).clamp(FRAME_MIN_HEIGHT, FRAME_MAX_HEIGHT);
    let ox = MARGIN + (frame_w - dx * scale) / 2.0;
    let oy = FRAME_TOP + (frame_h - dy * scale) / 2.0;
    (Projection { min_lon, max_lat, k, scale, ox, oy }, frame_h)
}

#[derive(Debug, Default)]
struct LegendNeeds {
    shades: bool,
    no_data: bool,
    incidents: bool,
    alerts: bool,
}

fn shade_class(shade: Option<f64>) -> Option<usize> {
    let s = shade.filter(|s| s.is_finite())?.clamp(0.0, 1.0);
    Some(((s * 5.0).floor() as usize).min(4))
}

fn draw(data: &MapData, p: &Projection, frame_w: f64, frame_h: f64, out: &mut String, needs: &mut LegendNeeds) {
    out.push_str(r#"<g clip-path="url(#sinergi-map-clip)">"#);
    // Areas with rings.
    let mut labels: Vec<((f64, f64), &str)> = Vec::new();
    let mut circles: Vec<(usize, (f64, f64))> = Vec::new();
    for (i, area) in data.areas.iter().enumerate() {
        let fill = match shade_class(area.shade) {
            Some(c) => {
                needs.shades = true;
                SHADES[c].to_owned()
            }
            None => {
                needs.no_data = true;
                "url(#sinergi-map-nodata)".to_owned()
            }
        };
        let mut d = String::new();
        let mut largest: Option<(f64, (f64, f64))> = None;
        for ring in &area.rings {
            let projected: Vec<(f64, f64)> =
                ring.iter().copied().filter(|q| finite(*q)).map(|q| p.project(q)).collect();
            let simple = simplify(&projected, MIN_VERTEX_DISTANCE, TOLERANCE);
            if simple.len() < 3 {
                continue;
            }
            if let Some((a, c)) = ring_centroid(&simple)
                && largest.is_none_or(|(b, _)| a > b)
            {
                largest = Some((a, c));
            }
            for (j, (x, y)) in simple.iter().enumerate() {
                let _ = write!(d, "{}{} {}", if j == 0 { "M" } else { " " }, num(*x), num(*y));
            }
            d.push('Z');
        }
        let centroid = area.centroid.filter(|c| finite(*c)).map(|c| p.project(c)).or(largest.map(|(_, c)| c));
        if d.is_empty() {
            if let Some(c) = centroid {
                circles.push((i, c));
            }
        } else {
            let _ = write!(
                out,
                r##"<path d="{d}" fill="{fill}" fill-rule="evenodd" stroke="#4d4d4d" stroke-width="0.7" stroke-linejoin="round"><title>{}</title></path>"##,
                esc(&area.name)
            );
        }
        if area.label
            && let Some(c) = centroid
        {
            labels.push((c, &area.name));
        }
    }
    // Areas drawn from their centroid only: circles sized to half the distance to the nearest other one.
    for (i, c) in &circles {
        let nearest = circles
            .iter()
            .filter(|(j, _)| j != i)
            .map(|(_, o)| ((o.0 - c.0).powi(2) + (o.1 - c.1).powi(2)).sqrt())
            .fold(f64::INFINITY, f64::min);
        let r = if nearest.is_finite() { (nearest / 2.0).clamp(5.0, 24.0) } else { 18.0 };
        let area = &data.areas[*i];
        let fill = match shade_class(area.shade) {
            Some(k) => SHADES[k],
            None => "url(#sinergi-map-nodata)",
        };
        let _ = write!(
            out,
            r##"<circle cx="{}" cy="{}" r="{}" fill="{fill}" stroke="#4d4d4d" stroke-width="0.7"><title>{}</title></circle>"##,
            num(c.0),
            num(c.1),
            num(r),
            esc(&area.name)
        );
    }
    // Alerts under the incidents.
    let inside = |(x, y): (f64, f64), slack: f64| {
        x >= MARGIN - slack
            && x <= MARGIN + frame_w + slack
            && y >= FRAME_TOP - slack
            && y <= FRAME_TOP + frame_h + slack
    };
    for point in &data.points {
        if let PointKind::Alert { radius_km } = point.kind {
            if !finite((point.lon, point.lat)) {
                continue;
            }
            let c = p.project((point.lon, point.lat));
            let r = if radius_km.is_finite() && radius_km > 0.0 { radius_km / p.km_per_px() } else { 0.0 };
            if !inside(c, r) {
                continue;
            }
            needs.alerts = true;
            let _ = write!(
                out,
                r##"<circle cx="{x}" cy="{y}" r="{r}" fill="{ALERT_COLOUR}" fill-opacity="0.08" stroke="{ALERT_COLOUR}" stroke-width="1.6" stroke-dasharray="6 3"/><path d="M{x0} {y}H{x1}M{x} {y0}V{y1}" stroke="{ALERT_COLOUR}" stroke-width="1.6"/>"##,
                x = num(c.0),
                y = num(c.1),
                r = num(r.max(3.0)),
                x0 = num(c.0 - 4.0),
                x1 = num(c.0 + 4.0),
                y0 = num(c.1 - 4.0),
                y1 = num(c.1 + 4.0),
            );
        }
    }
    // Incidents, the most severe last (on top).
    let mut incidents: Vec<(u8, (f64, f64))> = data
        .points
        .iter()
        .filter_map(|point| match point.kind {
            PointKind::Incident { severity } if finite((point.lon, point.lat)) => {
                Some((severity.clamp(1, 4), p.project((point.lon, point.lat))))
            }
            _ => None,
        })
        .filter(|(_, c)| inside(*c, 0.0))
        .collect();
    incidents.sort_by_key(|(s, _)| *s);
    for (severity, c) in incidents {
        needs.incidents = true;
        marker(out, severity, c);
    }
    // Names on top of everything, with a white halo, kept inside the frame (about 0.55 em a character).
    for ((x, y), name) in labels {
        let half = name.chars().count() as f64 * 12.0 * 0.55 / 2.0;
        let (left, right) = (MARGIN + half + 2.0, MARGIN + frame_w - half - 2.0);
        let x = if left < right { x.clamp(left, right) } else { x };
        text(
            out,
            x,
            y + 4.0,
            12.0,
            "middle",
            r##" fill="#1a1a1a" stroke="#ffffff" stroke-width="2.5" stroke-linejoin="round" paint-order="stroke""##,
            name,
        );
    }
    out.push_str("</g>");
}

/// An incident marker: a light small circle (1), a darker larger circle (2), a dark triangle (3), a black diamond (4).
fn marker(out: &mut String, severity: u8, (x, y): (f64, f64)) {
    let fill = SEVERITY_FILL[usize::from(severity.clamp(1, 4) - 1)];
    let _ = match severity {
        0 | 1 => write!(
            out,
            r##"<circle cx="{}" cy="{}" r="2.8" fill="{fill}" stroke="#3f007d" stroke-width="1"/>"##,
            num(x),
            num(y)
        ),
        2 => write!(
            out,
            r##"<circle cx="{}" cy="{}" r="3.6" fill="{fill}" stroke="#3f007d" stroke-width="1"/>"##,
            num(x),
            num(y)
        ),
        3 => write!(
            out,
            r##"<path d="M{} {}L{} {} {} {}Z" fill="{fill}" stroke="#ffffff" stroke-width="0.7"/>"##,
            num(x),
            num(y - 5.0),
            num(x + 4.6),
            num(y + 3.2),
            num(x - 4.6),
            num(y + 3.2)
        ),
        _ => write!(
            out,
            r##"<path d="M{} {}L{} {} {} {} {} {}Z" fill="{fill}" stroke="#ffffff" stroke-width="0.8"/>"##,
            num(x),
            num(y - 6.0),
            num(x + 5.0),
            num(y),
            num(x),
            num(y + 6.0),
            num(x - 5.0),
            num(y)
        ),
    };
}

/// The largest of 1, 2 or 5 times a power of ten not above `raw`.
fn nice_floor(raw: f64) -> f64 {
    let up = nice_step(raw);
    if up <= raw {
        return up;
    }
    let power = 10f64.powf(up.log10().floor());
    let lead = (up / power).round();
    if lead == 1.0 {
        power / 2.0
    } else if lead == 2.0 {
        power
    } else {
        2.0 * power
    }
}

fn scale_bar(p: &Projection, frame_h: f64, out: &mut String) {
    let km_per_px = p.km_per_px();
    if !km_per_px.is_finite() || km_per_px <= 0.0 {
        return;
    }
    let km = nice_floor(130.0 * km_per_px);
    let len = km / km_per_px;
    if !len.is_finite() || len < 10.0 {
        return;
    }
    let x = MARGIN + 12.0;
    let y = FRAME_TOP + frame_h - 16.0;
    let half = len / 2.0;
    let _ = write!(
        out,
        r##"<rect x="{}" y="{}" width="{}" height="24" fill="#ffffff" fill-opacity="0.85"/><rect x="{x0}" y="{y0}" width="{h}" height="5" fill="#000000" stroke="#000000" stroke-width="0.8"/><rect x="{x1}" y="{y0}" width="{h}" height="5" fill="#ffffff" stroke="#000000" stroke-width="0.8"/>"##,
        num(x - 6.0),
        num(y - 14.0),
        num(len + 60.0),
        x0 = num(x),
        x1 = num(x + half),
        y0 = num(y),
        h = num(half),
    );
    text(out, x, y - 3.0, 11.0, "middle", "", "0");
    text(out, x + len, y - 3.0, 11.0, "middle", "", &format!("{} km", num(km)));
}

/// Appends the legend at `top`; returns it and its height.
fn legend(labels: &MapLegend, needs: &LegendNeeds, top: f64) -> (String, f64) {
    let mut out = String::new();
    let mut y = top;
    let row_h = 21.0;
    let size = 12.0;
    let max_x = WIDTH - MARGIN;
    // Each row: a title and entries of (swatch, label), wrapped to the width.
    let mut rows: Vec<(String, Vec<(Swatch, String)>)> = Vec::new();
    if needs.shades || needs.no_data {
        let mut entries = Vec::new();
        for (i, colour) in SHADES.iter().enumerate() {
            let label = labels
                .shade_classes
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("{}–{}", num(i as f64 / 5.0), num((i + 1) as f64 / 5.0)));
            entries.push((Swatch::Fill(colour), label));
        }
        if needs.no_data {
            entries.push((Swatch::Fill("url(#sinergi-map-nodata)"), labels.no_data.clone()));
        }
        rows.push((labels.shade_title.clone(), entries));
    }
    if needs.incidents || needs.alerts {
        let mut entries = Vec::new();
        if needs.incidents {
            for s in 1..=4u8 {
                let label = labels.severities.get(usize::from(s - 1)).cloned().unwrap_or_else(|| s.to_string());
                entries.push((Swatch::Marker(s), label));
            }
        }
        if needs.alerts {
            entries.push((Swatch::Alert, labels.alert.clone()));
        }
        rows.push((labels.incidents_title.clone(), entries));
    }
    for (title, entries) in rows {
        let mut x = MARGIN;
        y += row_h;
        text(&mut out, x, y, size, "start", r#" font-weight="bold""#, &title);
        x += text_width(&title, size) + 12.0;
        for (swatch, label) in entries {
            let w = 20.0 + text_width(&label, size) + 12.0;
            if x + w > max_x && x > MARGIN + 1.0 {
                x = MARGIN + 12.0;
                y += row_h;
            }
            swatch.draw(&mut out, x, y - 4.0);
            text(&mut out, x + 20.0, y, size, "start", "", &label);
            x += w;
        }
    }
    (out, y - top + 6.0)
}

#[derive(Debug, Clone, Copy)]
enum Swatch {
    Fill(&'static str),
    Marker(u8),
    Alert,
}

impl Swatch {
    fn draw(self, out: &mut String, x: f64, cy: f64) {
        match self {
            Swatch::Fill(fill) => {
                let _ = write!(
                    out,
                    r##"<rect x="{}" y="{}" width="15" height="10" fill="{fill}" stroke="#4d4d4d" stroke-width="0.7"/>"##,
                    num(x),
                    num(cy - 5.0)
                );
            }
            Swatch::Marker(s) => marker(out, s, (x + 7.5, cy)),
            Swatch::Alert => {
                let _ = write!(
                    out,
                    r##"<circle cx="{}" cy="{}" r="6" fill="{ALERT_COLOUR}" fill-opacity="0.08" stroke="{ALERT_COLOUR}" stroke-width="1.4" stroke-dasharray="3 2"/>"##,
                    num(x + 7.5),
                    num(cy)
                );
            }
        }
    }
}

/// The area-weighted centroid of a ring (in px) and its absolute area; `None` for a degenerate ring.
fn ring_centroid(ring: &[(f64, f64)]) -> Option<(f64, (f64, f64))> {
    let n = ring.len();
    let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (x0, y0) = ring[i];
        let (x1, y1) = ring[(i + 1) % n];
        let cross = x0 * y1 - x1 * y0;
        a += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
    }
    if a.abs() < 1e-9 {
        return None;
    }
    Some((a.abs() / 2.0, (cx / (3.0 * a), cy / (3.0 * a))))
}

/// A ring (in px) simplified to the output resolution: vertices closer than `min_distance` to the last kept one
/// dropped, then Douglas–Peucker with `tolerance`. The first and last vertices are kept.
pub(crate) fn simplify(points: &[(f64, f64)], min_distance: f64, tolerance: f64) -> Vec<(f64, f64)> {
    let mut radial: Vec<(f64, f64)> = Vec::with_capacity(points.len().min(4096));
    for (i, &q) in points.iter().enumerate() {
        match radial.last() {
            Some(&last) if i + 1 < points.len() && dist(last, q) < min_distance => {}
            _ => radial.push(q),
        }
    }
    if radial.len() <= 3 {
        return radial;
    }
    let mut keep = vec![false; radial.len()];
    keep[0] = true;
    keep[radial.len() - 1] = true;
    // A closed ring (first == last): split at the vertex farthest from the first, so that both halves are
    // simplified against a real segment.
    let mut stack = Vec::new();
    let last = radial.len() - 1;
    if dist(radial[0], radial[last]) < 1e-9 {
        let far = (1..last).max_by(|&i, &j| dist(radial[0], radial[i]).total_cmp(&dist(radial[0], radial[j])));
        match far {
            Some(f) => {
                keep[f] = true;
                stack.push((0, f));
                stack.push((f, last));
            }
            None => stack.push((0, last)),
        }
    } else {
        stack.push((0, last));
    }
    while let Some((start, end)) = stack.pop() {
        if end <= start + 1 {
            continue;
        }
        let (a, b) = (radial[start], radial[end]);
        let mut far = (0.0, start);
        for (i, &q) in radial.iter().enumerate().take(end).skip(start + 1) {
            let d = segment_distance(q, a, b);
            if d > far.0 {
                far = (d, i);
            }
        }
        if far.0 > tolerance {
            keep[far.1] = true;
            stack.push((start, far.1));
            stack.push((far.1, end));
        }
    }
    radial.into_iter().zip(keep).filter_map(|(q, k)| k.then_some(q)).collect()
}

fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

fn segment_distance(q: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    if len2 < 1e-12 {
        return dist(q, a);
    }
    let t = (((q.0 - a.0) * dx + (q.1 - a.1) * dy) / len2).clamp(0.0, 1.0);
    dist(q, (a.0 + t * dx, a.1 + t * dy))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(lon: f64, lat: f64, size: f64) -> Vec<(f64, f64)> {
        vec![(lon, lat), (lon + size, lat), (lon + size, lat + size), (lon, lat + size), (lon, lat)]
    }

    fn data(areas: Vec<MapArea>, points: Vec<MapPoint>) -> MapData {
        MapData { title: "Peta <Situasi> & Insiden".into(), areas, points, legend: MapLegend::new(Lang::Id) }
    }

    #[test]
    fn draws_a_tiny_square_area_with_points() {
        let area = MapArea {
            name: "Kecamatan Tahunan".into(),
            rings: vec![square(110.65, -6.62, 0.1)],
            centroid: Some((110.70, -6.57)),
            shade: Some(0.9),
            label: true,
        };
        let points = vec![
            MapPoint { lon: 110.70, lat: -6.58, kind: PointKind::Incident { severity: 4 } },
            MapPoint { lon: 110.68, lat: -6.60, kind: PointKind::Incident { severity: 1 } },
            MapPoint { lon: 110.72, lat: -6.56, kind: PointKind::Alert { radius_km: 2.0 } },
            // Far outside: ignored.
            MapPoint { lon: 120.0, lat: 5.0, kind: PointKind::Incident { severity: 2 } },
        ];
        let svg = map_svg(&data(vec![area], points));
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 "), "{svg}");
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains("Peta &lt;Situasi&gt; &amp; Insiden"), "the title is escaped");
        assert!(svg.contains("fill-rule=\"evenodd\""));
        assert!(svg.contains(SHADES[4]), "0.9 is in the darkest class");
        assert!(svg.contains(">Kecamatan Tahunan</text>"), "the label is written");
        assert!(svg.contains(SEVERITY_FILL[3]) && svg.contains(SEVERITY_FILL[0]));
        assert!(svg.contains("stroke-dasharray=\"6 3\""), "the alert circle is drawn");
        assert!(svg.contains(" km</text>"), "a scale bar");
        assert!(svg.contains("Indeks kerawanan") && svg.contains("Peringatan dini"), "a legend");
        assert!(!svg.contains("href=\"http"), "no external reference");
        // Only the two incidents inside the extent (severity 2 is outside): its circle (r=3.6) is in the legend only.
        assert_eq!(svg.matches("r=\"3.6\"").count(), 1);
        // The square is drawn with 4 corners (the closing vertex repeats the first).
        let path = svg.split("<path d=\"").nth(1).unwrap_or("");
        let d = path.split('"').next().unwrap_or("");
        assert_eq!(d.matches(' ').count(), 5 + 4, "{d}");
    }

    #[test]
    fn simplification_reduces_a_10000_vertex_ring() {
        // A wiggly circle of 10,000 vertices, some 4 km across: at 600 px it needs a few hundred at most.
        let n = 10_000;
        let ring: Vec<(f64, f64)> = (0..=n)
            .map(|i| {
                let t = i as f64 / n as f64 * std::f64::consts::TAU;
                let r = 0.02 * (1.0 + 0.05 * (t * 40.0).sin() + 0.0005 * (t * 3000.0).sin());
                (110.7 + r * t.cos(), -6.6 + r * t.sin())
            })
            .collect();
        let area = MapArea { name: "X".into(), rings: vec![ring.clone()], centroid: None, shade: None, label: true };
        let svg = map_svg(&data(vec![area], vec![]));
        let d = svg.split("<path d=\"").nth(1).unwrap_or("").split('"').next().unwrap_or("").to_owned();
        let vertices = d.matches(' ').count() / 2 + 1;
        assert!(vertices < 1_000 && vertices > 40, "{vertices} vertices");
        assert!(svg.len() < 20_000, "{} bytes", svg.len());
        assert!(svg.contains("url(#sinergi-map-nodata)"), "no shade: hatched");

        let px: Vec<(f64, f64)> = ring.iter().map(|(x, y)| (x * 10_000.0, y * 10_000.0)).collect();
        let simple = simplify(&px, 0.5, 0.4);
        assert!(simple.len() < px.len() / 5 && simple.len() >= 4, "{}", simple.len());
        assert_eq!(simple.first(), px.first());
        assert_eq!(simple.last(), px.last());
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        // Nothing at all.
        let svg = map_svg(&data(vec![], vec![]));
        assert!(svg.contains("Tidak ada data") && svg.ends_with("</svg>"));
        // One point only, no areas.
        let one = vec![MapPoint { lon: 110.7, lat: -6.6, kind: PointKind::Incident { severity: 9 } }];
        let svg = map_svg(&data(vec![], one));
        assert!(svg.contains(SEVERITY_FILL[3]), "severity clamped to 4");
        // NaN and infinite coordinates, empty and two-vertex rings, NaN shade, an area with nothing at all.
        let areas = vec![
            MapArea {
                name: "A".into(),
                rings: vec![vec![(f64::NAN, -6.6), (110.7, f64::INFINITY)], vec![], vec![(110.7, -6.6), (110.8, -6.6)]],
                centroid: Some((f64::NAN, 1.0)),
                shade: Some(f64::NAN),
                label: true,
            },
            MapArea { name: "B".into(), rings: vec![], centroid: None, shade: Some(2.0), label: true },
            MapArea { name: "C".into(), rings: vec![], centroid: Some((110.7, -6.6)), shade: Some(-1.0), label: true },
        ];
        let points = vec![
            MapPoint { lon: f64::NAN, lat: 0.0, kind: PointKind::Alert { radius_km: 5.0 } },
            MapPoint { lon: 110.7, lat: -6.6, kind: PointKind::Alert { radius_km: f64::NAN } },
            MapPoint { lon: 110.7, lat: -6.6, kind: PointKind::Alert { radius_km: -3.0 } },
        ];
        let svg = map_svg(&data(areas, points));
        assert!(svg.contains(">C</text>"), "the single centroid area is labelled");
        assert!(svg.contains(&format!("fill=\"{}\"", SHADES[0])), "a negative shade is clamped to the lowest class");
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
    }

    #[test]
    fn centroid_only_areas_are_circles() {
        let areas: Vec<MapArea> = (0..35)
            .map(|i| MapArea {
                name: format!("Kab {i}"),
                rings: vec![],
                centroid: Some((108.5 + (i % 7) as f64 * 0.5, -6.5 - (i / 7) as f64 * 0.4)),
                shade: Some(i as f64 / 35.0),
                label: i % 2 == 0,
            })
            .collect();
        let svg = map_svg(&data(areas, vec![]));
        assert_eq!(svg.matches("<circle").count(), 35);
        for shade in SHADES {
            assert!(svg.contains(shade));
        }
    }

    #[test]
    fn scale_bar_lengths_are_round() {
        assert_eq!(nice_floor(13.0), 10.0);
        assert_eq!(nice_floor(4.9), 2.0);
        assert_eq!(nice_floor(5.0), 5.0);
        assert_eq!(nice_floor(0.7), 0.5);
        assert_eq!(nice_floor(1.9), 1.0);
    }
}
