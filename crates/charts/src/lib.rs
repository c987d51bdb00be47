//! The Dashboard's charts, drawn in Rust so they are the same in the window, in a saved SVG
//! and in a PNG: a trend of two series by month ([`trend`]) and ranked horizontal bars
//! ([`bars`]), as SVG text from `plotters`, and any of them rasterised to PNG ([`png`]) by
//! `resvg`.
//!
//! Amounts arrive as decimals. They become `f64` only to place pixels; every number the
//! chart prints (axis ticks, value labels) is formatted from a decimal, rounded to whole
//! units of the currency for ticks and to cents for values.

use plotters::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// plotters failed while drawing.
    #[error("could not draw the chart: {0}")]
    Draw(String),
    /// The SVG could not be read back for the PNG.
    #[error("could not turn the chart into a PNG: {0}")]
    Png(String),
}

fn draw_error<E: std::fmt::Debug>(e: E) -> ChartError {
    ChartError::Draw(format!("{e:?}"))
}

/// Colours of a chart (hex `#rrggbb`), so the charts follow the app's theme.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Theme {
    /// Background.
    pub background: RGBColor,
    /// Titles and labels.
    pub ink: RGBColor,
    /// Axis labels.
    pub muted: RGBColor,
    /// Grid lines.
    pub grid: RGBColor,
    /// First series (cost).
    pub first: RGBColor,
    /// Second series (resale).
    pub second: RGBColor,
    /// Negative amounts (a loss).
    pub negative: RGBColor,
}

impl Theme {
    /// The app's light theme (styles.css).
    pub fn light() -> Self {
        Self {
            background: RGBColor(0xff, 0xff, 0xff),
            ink: RGBColor(0x1b, 0x26, 0x33),
            muted: RGBColor(0x5b, 0x67, 0x75),
            grid: RGBColor(0xe3, 0xe8, 0xee),
            first: RGBColor(0x1f, 0x5f, 0x99),
            second: RGBColor(0x2e, 0x9d, 0x6a),
            negative: RGBColor(0xc0, 0x39, 0x2b),
        }
    }
}

/// Size of every chart, in CSS pixels.
pub const WIDTH: u32 = 560;
/// Height of a trend chart.
pub const HEIGHT: u32 = 300;

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// A tick value as whole currency units with thousands separators (`12,345`).
fn tick(v: f64) -> String {
    let d = Decimal::from_f64_retain(v)
        .unwrap_or_default()
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    group(&d.to_string())
}

/// `1234567.5` -> `1,234,567.5` (the digits before the point grouped by three).
fn group(text: &str) -> String {
    let (sign, digits) = text
        .strip_prefix('-')
        .map_or(("", text), |rest| ("-", rest));
    let (whole, fraction) = digits
        .split_once('.')
        .map_or((digits, None), |(w, f)| (w, Some(f)));
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match fraction {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// A value label: the amount to the cent.
fn amount(d: Decimal) -> String {
    let mut d = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    d.rescale(2);
    group(&d.to_string())
}

/// Two series by month (cost and resale): lines with points, a legend, whole-unit ticks.
/// `months` are (label, first, second), oldest first.
pub fn trend(
    title: &str,
    names: (&str, &str),
    months: &[(String, Decimal, Decimal)],
    theme: &Theme,
) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&theme.background).map_err(draw_error)?;
        let top = months
            .iter()
            .flat_map(|(_, a, b)| [f(*a), f(*b)])
            .fold(0.0_f64, f64::max)
            .max(1.0)
            * 1.1;
        let n = months.len().max(1);
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 16).into_font().color(&theme.ink))
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(72)
            .build_cartesian_2d(-0.5..n as f64 - 0.5, 0.0..top)
            .map_err(draw_error)?;
        let labels: Vec<&str> = months.iter().map(|(l, ..)| l.as_str()).collect();
        chart
            .configure_mesh()
            .x_labels(n + 1)
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() > 0.01 || i < 0.0 {
                    return String::new();
                }
                labels
                    .get(i as usize)
                    .map_or(String::new(), |l| (*l).to_string())
            })
            .y_labels(6)
            .disable_x_mesh()
            .y_label_formatter(&|v| tick(*v))
            .label_style(("sans-serif", 11).into_font().color(&theme.muted))
            .light_line_style(theme.background)
            .bold_line_style(theme.grid)
            .axis_style(theme.muted)
            .draw()
            .map_err(draw_error)?;
        for (index, (name, color)) in [(names.0, theme.first), (names.1, theme.second)]
            .into_iter()
            .enumerate()
        {
            let points: Vec<(f64, f64)> = months
                .iter()
                .enumerate()
                .map(|(i, (_, a, b))| (i as f64, f(if index == 0 { *a } else { *b })))
                .collect();
            chart
                .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
                .map_err(draw_error)?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2))
                });
            chart
                .draw_series(
                    points
                        .into_iter()
                        .map(|p| Circle::new(p, 3, color.filled())),
                )
                .map_err(draw_error)?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font(("sans-serif", 12).into_font().color(&theme.ink))
            .background_style(theme.background.mix(0.9))
            .border_style(theme.grid)
            .draw()
            .map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    Ok(svg)
}

/// Ranked horizontal bars, first on top, each with its amount; negative amounts in the
/// theme's negative colour.
pub fn bars(title: &str, bars: &[(String, Decimal)], theme: &Theme) -> Result<String, ChartError> {
    let mut svg = String::new();
    let rows = bars.len().max(1);
    let height = 56 + 26 * u32::try_from(rows).unwrap_or(30);
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&theme.background).map_err(draw_error)?;
        let hi = bars.iter().map(|(_, v)| f(*v)).fold(0.0_f64, f64::max);
        let lo = bars.iter().map(|(_, v)| f(*v)).fold(0.0_f64, f64::min);
        let span = (hi - lo).max(1.0);
        // Names take the left of the plot, amounts the right of each bar.
        let left = lo - span * 0.55;
        let right = hi + span * 0.3;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 16).into_font().color(&theme.ink))
            .margin(12)
            .x_label_area_size(0)
            .y_label_area_size(0)
            .build_cartesian_2d(left..right, 0.0..rows as f64)
            .map_err(draw_error)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, rows as f64)],
                theme.muted.stroke_width(1),
            )))
            .map_err(draw_error)?;
        let label = ("sans-serif", 12).into_font().color(&theme.ink);
        let centred = label.clone().pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Left,
            plotters::style::text_anchor::VPos::Center,
        ));
        for (i, (name, value)) in bars.iter().enumerate() {
            // The first bar takes the top row.
            let y = (rows - 1 - i) as f64;
            let v = f(*value);
            let color = if *value < Decimal::ZERO {
                theme.negative
            } else {
                theme.first
            };
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y + 0.18), (v, y + 0.82)],
                    color.filled(),
                )))
                .map_err(draw_error)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    shorten(name, 26),
                    (left, y + 0.5),
                    centred.clone(),
                )))
                .map_err(draw_error)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    amount(*value),
                    (v.max(0.0) + span * 0.02, y + 0.5),
                    centred.clone(),
                )))
                .map_err(draw_error)?;
        }
        root.present().map_err(draw_error)?;
    }
    Ok(svg)
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}

/// The SVG as a PNG at `scale` (2 for a crisp image on a high-density screen), text in the
/// system's fonts.
pub fn png(svg: &str, scale: f32) -> Result<Vec<u8>, ChartError> {
    let mut options = resvg::usvg::Options::default();
    let db = options.fontdb_mut();
    db.load_system_fonts();
    // fontdb maps `sans-serif` to Arial, which Linux desktops rarely have.
    let families: Vec<String> = db
        .faces()
        .flat_map(|f| f.families.iter().map(|(name, _)| name.clone()))
        .collect();
    if let Some(found) = [
        "DejaVu Sans",
        "Liberation Sans",
        "Noto Sans",
        "Arial",
        "Helvetica",
    ]
    .into_iter()
    .find(|want| families.iter().any(|f| f == want))
    {
        db.set_sans_serif_family(found);
    }
    let tree =
        resvg::usvg::Tree::from_str(svg, &options).map_err(|e| ChartError::Png(e.to_string()))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or_else(|| ChartError::Png("the chart has no size".into()))?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| ChartError::Png("the chart is too large".into()))?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| ChartError::Png(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn a_trend_is_an_svg_with_its_title_labels_and_legend() {
        let svg = trend(
            "Cost and resale by month (EUR)",
            ("Cost", "Resale"),
            &[
                ("Aug 2026".into(), d("1200.50"), d("1350.00")),
                ("Sep 2026".into(), d("15000"), d("16800.10")),
            ],
            &Theme::light(),
        )
        .unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..80]);
        for text in [
            "Cost and resale by month (EUR)",
            "Aug 2026",
            "Sep 2026",
            "Cost",
            "Resale",
            "10,000",
        ] {
            assert!(svg.contains(text), "{text} in the SVG");
        }
    }

    #[test]
    fn bars_print_every_amount_from_its_decimal_and_colour_losses() {
        let svg = bars(
            "Margin by customer",
            &[
                ("Contoso".into(), d("1234567.891")),
                (
                    "A very long company name that does not fit".into(),
                    d("-12.5"),
                ),
            ],
            &Theme::light(),
        )
        .unwrap();
        assert!(svg.contains("1,234,567.89"), "rounded to the cent, grouped");
        assert!(svg.contains("-12.50"));
        assert!(
            svg.contains("A very long company name")
                && svg.contains("…")
                && !svg.contains("does not fit")
        );
        assert!(
            svg.to_lowercase().contains("#c0392b"),
            "the loss in the negative colour"
        );
    }

    #[test]
    fn png_rasterises_the_svg() {
        let svg = bars(
            "Top customers",
            &[("Contoso".into(), d("10"))],
            &Theme::light(),
        )
        .unwrap();
        let png = png(&svg, 2.0).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // Width is in the IHDR chunk, big-endian, after the signature and chunk header.
        let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
        assert_eq!(width, WIDTH * 2);
    }

    #[test]
    fn grouping() {
        assert_eq!(group("1234567.5"), "1,234,567.5");
        assert_eq!(group("-1000"), "-1,000");
        assert_eq!(group("999"), "999");
        assert_eq!(amount(d("0.005")), "0.01");
    }
}
