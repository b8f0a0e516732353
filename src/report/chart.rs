//! Horizontal bar charts drawn on the server: plain SVG markup with presentation attributes,
//! no script, each beside the table it draws.

use super::{Shown, Table};

/// A horizontal bar chart drawn on the server: plain SVG markup with presentation attributes,
/// no script and no style attributes (the CSP forbids both).
#[derive(Debug, Clone)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub width: u32,
    pub height: u32,
    /// Where the labels end (right-aligned) and the bars begin.
    pub label_x: u32,
    pub bar_x: u32,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub text: String,
    /// Zero for a hidden or zero value: no bar, only its text.
    pub width: u32,
    pub y: u32,
    pub text_y: u32,
    pub text_x: u32,
    pub hidden: bool,
}

const CHART_WIDTH: u32 = 640;
const LABEL_END: u32 = 250;
const BAR_START: u32 = 260;
const BAR_MAX: u32 = 300;
const ROW_HEIGHT: u32 = 28;
const LABEL_CHARS: usize = 38;

/// A chart of one value per label. `None` values are hidden: drawn as their text only.
pub fn chart(id: &str, title: &str, items: &[(String, Option<f64>, String)]) -> Chart {
    let max = items
        .iter()
        .filter_map(|(_, v, _)| *v)
        .fold(0.0_f64, f64::max);
    let bars = items
        .iter()
        .enumerate()
        .map(|(i, (label, value, text))| {
            let y = 8 + ROW_HEIGHT * i as u32;
            let width = match value {
                Some(v) if max > 0.0 && *v > 0.0 => {
                    ((v / max) * f64::from(BAR_MAX)).round().max(2.0) as u32
                }
                _ => 0,
            };
            Bar {
                label: shorten(label),
                text: text.clone(),
                width,
                y,
                text_y: y + 15,
                text_x: BAR_START + width + 6,
                hidden: value.is_none(),
            }
        })
        .collect();
    Chart {
        id: format!("{id}-chart"),
        title: title.to_owned(),
        desc: "Tallene står i tabellen under diagrammet.".to_owned(),
        width: CHART_WIDTH,
        height: 16 + ROW_HEIGHT * items.len() as u32,
        label_x: LABEL_END,
        bar_x: BAR_START,
        bars,
    }
}

fn shorten(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        label.to_owned()
    } else {
        let mut s: String = label.chars().take(LABEL_CHARS - 1).collect();
        s.push('…');
        s
    }
}

/// The chart of one column of a table (the chosen quarter), leaving out the total row.
pub(super) fn chart_of_column(table: &Table, column: usize, shown: &[Shown]) -> Chart {
    let items: Vec<(String, Option<f64>, String)> = table
        .rows
        .iter()
        .zip(shown)
        .filter(|(row, _)| !row.is_total)
        .map(|(row, s)| {
            let text = row.cells.get(column).cloned().unwrap_or_default();
            (row.label.clone(), s.count().map(|n| n as f64), text)
        })
        .collect();
    let quarter = table
        .columns
        .get(column)
        .map(|c| c.label.clone())
        .unwrap_or_default();
    chart(&table.id, &format!("{}, {}", table.title, quarter), &items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_scales_to_the_largest_shown_value_and_draws_no_bar_for_hidden_ones() {
        let c = chart(
            "x",
            "T",
            &[
                ("A".to_owned(), Some(10.0), "10".to_owned()),
                ("B".to_owned(), None, "<5".to_owned()),
                ("C".to_owned(), Some(5.0), "5".to_owned()),
                ("D".to_owned(), Some(0.0), "0".to_owned()),
            ],
        );
        assert_eq!(c.bars[0].width, BAR_MAX);
        assert_eq!(c.bars[1].width, 0);
        assert!(c.bars[1].hidden);
        assert_eq!(c.bars[2].width, BAR_MAX / 2);
        assert_eq!(c.bars[3].width, 0);
        assert_eq!(c.height, 16 + 4 * ROW_HEIGHT);
    }

    #[test]
    fn long_labels_are_shortened_in_the_chart_only() {
        let long = "Støtte til behandling af sindslidelse eller misbrug (18 år og derover)";
        assert!(shorten(long).chars().count() <= LABEL_CHARS);
        assert!(shorten(long).ends_with('…'));
        assert_eq!(shorten("Borgere"), "Borgere");
    }
}
