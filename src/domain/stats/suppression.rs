//! Small-number suppression: primary (counts from 1 to threshold - 1 become "<5") and
//! complementary (a second cell, or the total, is withheld wherever a hidden cell could
//! otherwise be computed from a total and the cells beside it).

/// The threshold when a profile gives none: counts from 1 to 4 are hidden.
pub const DEFAULT_THRESHOLD: i64 = 5;

/// How one count may be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Zero, or at least the threshold: shown as it is.
    Count(i64),
    /// From 1 to threshold - 1: shown as "<5" (primary suppression).
    Small,
    /// Hidden only so that a total or a difference cannot reveal a small count (secondary
    /// suppression).
    Withheld,
}

/// What a withheld cell says on the page and in the CSV.
pub const WITHHELD_TEXT: &str = "skjult";

impl Shown {
    pub fn text(self, threshold: i64) -> String {
        match self {
            Shown::Count(n) => n.to_string(),
            Shown::Small => format!("<{threshold}"),
            Shown::Withheld => WITHHELD_TEXT.to_owned(),
        }
    }

    pub fn is_hidden(self) -> bool {
        !matches!(self, Shown::Count(_))
    }

    pub fn count(self) -> Option<i64> {
        match self {
            Shown::Count(n) => Some(n),
            _ => None,
        }
    }
}

/// Is this count small enough to point at a person?
pub fn is_small(n: i64, threshold: i64) -> bool {
    n >= 1 && n < threshold
}

/// One additive relation in a table: the values at `parts` sum to the value at `total`. A row
/// with its total, a column with its total, or one cell across areas with the areas' sum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub parts: Vec<usize>,
    pub total: usize,
}

/// Suppresses a flat list of counts bound together by `groups`.
///
/// Primary: every count from 1 to `threshold - 1` becomes [`Shown::Small`]. Complementary: as
/// long as some group has exactly one hidden member, the smallest non-zero visible part of that
/// group is withheld too (a zero is never hidden: hiding it would hide nothing and reveal its
/// neighbour), or the group's total if no part is left. Each round only adds hidden cells, so
/// it ends.
pub fn suppress(values: &[i64], groups: &[Group], threshold: i64) -> Vec<Shown> {
    let mut shown: Vec<Shown> = values
        .iter()
        .map(|&n| {
            if is_small(n, threshold) {
                Shown::Small
            } else {
                Shown::Count(n)
            }
        })
        .collect();
    let valid = |i: &usize| *i < values.len();
    loop {
        let mut changed = false;
        for group in groups {
            if !valid(&group.total) || !group.parts.iter().all(valid) {
                continue;
            }
            let hidden = group
                .parts
                .iter()
                .chain(std::iter::once(&group.total))
                .filter(|&&i| shown[i].is_hidden())
                .count();
            if hidden != 1 {
                continue;
            }
            if let Some(i) = complement(values, &shown, group) {
                shown[i] = Shown::Withheld;
                changed = true;
            }
        }
        if !changed {
            return shown;
        }
    }
}

/// The cell to withhold beside the one hidden member of `group`: the smallest non-zero visible
/// part (the first of equals), else the total.
fn complement(values: &[i64], shown: &[Shown], group: &Group) -> Option<usize> {
    group
        .parts
        .iter()
        .copied()
        .filter(|&i| !shown[i].is_hidden() && values[i] > 0)
        .min_by_key(|&i| (values[i], i))
        .or_else(|| {
            (!shown[group.total].is_hidden() && values[group.total] > 0).then_some(group.total)
        })
}

/// A breakdown as the reports show it: for each area, rows (categories) by columns (quarters).
///
/// `values[area][row][col]`. With `total_row`, the last row of every area is the sum of its
/// other rows; with `total_area`, the last area is the sum of the other areas, cell by cell.
/// Columns are never summed (the quarters stand side by side; a stock such as "open at the end
/// of the quarter" cannot be added up over a year).
pub fn suppress_breakdown(
    values: &[Vec<Vec<i64>>],
    total_row: bool,
    total_area: bool,
    threshold: i64,
) -> Vec<Vec<Vec<Shown>>> {
    let areas = values.len();
    let rows = values.first().map_or(0, Vec::len);
    let cols = values.first().and_then(|a| a.first()).map_or(0, Vec::len);
    let well_formed = values
        .iter()
        .all(|a| a.len() == rows && a.iter().all(|r| r.len() == cols));
    if !well_formed {
        // A ragged table cannot be related; hide every non-zero count rather than guess.
        return values
            .iter()
            .map(|a| {
                a.iter()
                    .map(|r| {
                        r.iter()
                            .map(|&n| {
                                if n == 0 {
                                    Shown::Count(0)
                                } else {
                                    Shown::Withheld
                                }
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
    }
    let index = |a: usize, r: usize, c: usize| (a * rows + r) * cols + c;
    let flat: Vec<i64> = values.iter().flatten().flatten().copied().collect();
    let mut groups = Vec::new();
    if total_row && rows >= 2 {
        for a in 0..areas {
            for c in 0..cols {
                groups.push(Group {
                    parts: (0..rows - 1).map(|r| index(a, r, c)).collect(),
                    total: index(a, rows - 1, c),
                });
            }
        }
    }
    if total_area && areas >= 2 {
        for r in 0..rows {
            for c in 0..cols {
                groups.push(Group {
                    parts: (0..areas - 1).map(|a| index(a, r, c)).collect(),
                    total: index(areas - 1, r, c),
                });
            }
        }
    }
    let shown = suppress(&flat, &groups, threshold);
    (0..areas)
        .map(|a| {
            (0..rows)
                .map(|r| (0..cols).map(|c| shown[index(a, r, c)]).collect())
                .collect()
        })
        .collect()
}

/// A two-way table with both margins, suppressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuppressedGrid {
    pub cells: Vec<Vec<Shown>>,
    /// One per row: the row's sum.
    pub row_totals: Vec<Shown>,
    /// One per column: the column's sum.
    pub column_totals: Vec<Shown>,
    pub grand_total: Shown,
}

/// Suppresses a table with row totals, column totals and a grand total (all computed here from
/// `cells`). Beyond the rule that no row or column has exactly one hidden member, a hidden cell
/// must also lie on a cycle of hidden cells (alternating along rows and columns): a hidden cell
/// on no such cycle is a bridge, and the margins give it back exactly by adding and subtracting
/// whole rows and columns. Each bridge gets one more withheld cell that closes a cycle through it.
pub fn suppress_grid(cells: &[Vec<i64>], threshold: i64) -> SuppressedGrid {
    let rows = cells.len();
    let cols = cells.first().map_or(0, Vec::len);
    let cells: Vec<Vec<i64>> = cells
        .iter()
        .map(|r| (0..cols).map(|c| r.get(c).copied().unwrap_or(0)).collect())
        .collect();
    // The augmented grid: row `rows` holds the column totals, column `cols` the row totals.
    let (ar, ac) = (rows + 1, cols + 1);
    let mut grid = vec![0i64; ar * ac];
    for r in 0..rows {
        for c in 0..cols {
            let v = cells[r][c];
            grid[r * ac + c] = v;
            grid[r * ac + cols] += v;
            grid[rows * ac + c] += v;
            grid[rows * ac + cols] += v;
        }
    }
    let mut groups = Vec::new();
    for r in 0..ar {
        groups.push(Group {
            parts: (0..cols).map(|c| r * ac + c).collect(),
            total: r * ac + cols,
        });
    }
    for c in 0..ac {
        groups.push(Group {
            parts: (0..rows).map(|r| r * ac + c).collect(),
            total: rows * ac + c,
        });
    }
    let mut shown = suppress(&grid, &groups, threshold);
    // Close the bridges, then restore the row/column rule, until neither changes anything.
    // Every round hides at least one more cell, so this ends.
    while let Some(extra) = bridge_closer(&grid, &shown, ar, ac) {
        shown[extra] = Shown::Withheld;
        shown = resuppress(&grid, &groups, shown);
    }
    SuppressedGrid {
        cells: (0..rows)
            .map(|r| (0..cols).map(|c| shown[r * ac + c]).collect())
            .collect(),
        row_totals: (0..rows).map(|r| shown[r * ac + cols]).collect(),
        column_totals: (0..cols).map(|c| shown[rows * ac + c]).collect(),
        grand_total: shown[rows * ac + cols],
    }
}

/// Runs the group rule again on top of an existing suppression.
fn resuppress(values: &[i64], groups: &[Group], mut shown: Vec<Shown>) -> Vec<Shown> {
    loop {
        let mut changed = false;
        for group in groups {
            let hidden = group
                .parts
                .iter()
                .chain(std::iter::once(&group.total))
                .filter(|&&i| shown[i].is_hidden())
                .count();
            if hidden == 1 {
                if let Some(i) = complement(values, &shown, group) {
                    shown[i] = Shown::Withheld;
                    changed = true;
                }
            }
        }
        if !changed {
            return shown;
        }
    }
}

/// Finds a hidden cell that is a bridge in the bipartite graph of hidden cells (rows and
/// columns as vertices, hidden cells as edges) and returns the visible cell to withhold so that
/// a cycle runs through it; `None` when every hidden cell is on a cycle.
fn bridge_closer(values: &[i64], shown: &[Shown], ar: usize, ac: usize) -> Option<usize> {
    let hidden: Vec<(usize, usize)> = (0..ar * ac)
        .filter(|&i| shown[i].is_hidden())
        .map(|i| (i / ac, i % ac))
        .collect();
    for (k, &(r0, c0)) in hidden.iter().enumerate() {
        // Vertices reachable from row r0 without using the edge (r0, c0).
        let mut row_seen = vec![false; ar];
        let mut col_seen = vec![false; ac];
        let mut stack = vec![(true, r0)];
        row_seen[r0] = true;
        while let Some((is_row, v)) = stack.pop() {
            for (j, &(r, c)) in hidden.iter().enumerate() {
                if j == k {
                    continue;
                }
                if is_row && r == v && !col_seen[c] {
                    col_seen[c] = true;
                    stack.push((false, c));
                } else if !is_row && c == v && !row_seen[r] {
                    row_seen[r] = true;
                    stack.push((true, r));
                }
            }
        }
        if col_seen[c0] {
            continue; // on a cycle
        }
        // The other side of the bridge: what c0 reaches without the edge.
        let mut other_rows = vec![false; ar];
        let mut other_cols = vec![false; ac];
        let mut stack = vec![(false, c0)];
        other_cols[c0] = true;
        while let Some((is_row, v)) = stack.pop() {
            for (j, &(r, c)) in hidden.iter().enumerate() {
                if j == k {
                    continue;
                }
                if is_row && r == v && !other_cols[c] {
                    other_cols[c] = true;
                    stack.push((false, c));
                } else if !is_row && c == v && !other_rows[r] {
                    other_rows[r] = true;
                    stack.push((true, r));
                }
            }
        }
        // Any visible cell joining the two sides closes a cycle through (r0, c0); prefer the
        // smallest non-zero one, as the group rule does.
        let candidates = (0..ar * ac).filter(|&i| {
            let (r, c) = (i / ac, i % ac);
            !shown[i].is_hidden()
                && ((row_seen[r] && other_cols[c]) || (other_rows[r] && col_seen[c]))
        });
        let best = candidates.min_by_key(|&i| (values[i] == 0, values[i], i));
        if best.is_some() {
            return best;
        }
    }
    None
}

#[cfg(test)]
// The tests walk tables by row and column index, as the tables are described.
#[expect(
    clippy::needless_range_loop,
    reason = "the tests address cells by row and column index, as the tables are described"
)]
mod tests {
    use super::*;

    fn column(values: &[i64]) -> Vec<Shown> {
        // A single column with its total in the last place.
        let n = values.len();
        suppress(
            values,
            &[Group {
                parts: (0..n - 1).collect(),
                total: n - 1,
            }],
            DEFAULT_THRESHOLD,
        )
    }

    #[test]
    fn counts_from_one_to_four_are_small_and_zero_is_shown() {
        let shown = suppress(&[0, 1, 4, 5, 12], &[], 5);
        assert_eq!(
            shown,
            vec![
                Shown::Count(0),
                Shown::Small,
                Shown::Small,
                Shown::Count(5),
                Shown::Count(12)
            ]
        );
        assert_eq!(Shown::Small.text(5), "<5");
        assert_eq!(Shown::Small.text(3), "<3");
        assert_eq!(Shown::Withheld.text(5), "skjult");
        assert_eq!(Shown::Count(0).text(5), "0");
    }

    #[test]
    fn the_threshold_comes_from_the_caller() {
        assert_eq!(suppress(&[3], &[], 3), vec![Shown::Count(3)]);
        assert_eq!(suppress(&[2], &[], 3), vec![Shown::Small]);
        assert_eq!(suppress(&[9], &[], 10), vec![Shown::Small]);
        assert_eq!(
            suppress(&[1], &[], 1),
            vec![Shown::Count(1)],
            "threshold 1 hides nothing"
        );
    }

    #[test]
    fn a_lone_small_cell_takes_the_next_smallest_with_it() {
        // 3 + 7 + 12 = 22: with only the 3 hidden, 22 - 7 - 12 would give it back.
        assert_eq!(
            column(&[3, 12, 7, 22]),
            vec![
                Shown::Small,
                Shown::Count(12),
                Shown::Withheld,
                Shown::Count(22)
            ]
        );
    }

    #[test]
    fn zeros_are_never_chosen_to_hide_a_small_cell() {
        assert_eq!(
            column(&[3, 0, 9, 12]),
            vec![
                Shown::Small,
                Shown::Count(0),
                Shown::Withheld,
                Shown::Count(12)
            ]
        );
    }

    #[test]
    fn two_small_cells_protect_each_other() {
        assert_eq!(
            column(&[3, 2, 9, 14]),
            vec![
                Shown::Small,
                Shown::Small,
                Shown::Count(9),
                Shown::Count(14)
            ]
        );
    }

    #[test]
    fn a_small_total_is_hidden_with_its_only_cell() {
        assert_eq!(
            column(&[3, 0, 0, 3]),
            vec![Shown::Small, Shown::Count(0), Shown::Count(0), Shown::Small]
        );
    }

    #[test]
    fn when_no_part_is_left_the_total_is_withheld() {
        // Cell 0 is hidden by another group; in this one only the total could give it back.
        let values = [7, 0, 7, 3, 7, 10];
        let groups = [
            Group {
                parts: vec![0, 1],
                total: 2,
            },
            Group {
                parts: vec![3, 4],
                total: 5,
            },
            // Across: cell 0 and cell 3 sum to cell 5 (a column).
            Group {
                parts: vec![0, 3],
                total: 5,
            },
        ];
        let shown = suppress(&values, &groups, 5);
        assert_eq!(shown[3], Shown::Small);
        assert_eq!(shown[0], Shown::Withheld, "the column hides 7 beside the 3");
        assert_eq!(
            shown[2],
            Shown::Withheld,
            "the first group has no non-zero part left"
        );
        assert_eq!(shown[1], Shown::Count(0));
    }

    #[test]
    fn the_smallest_of_equals_is_the_first() {
        assert_eq!(
            column(&[2, 8, 8, 18]),
            vec![
                Shown::Small,
                Shown::Withheld,
                Shown::Count(8),
                Shown::Count(18)
            ]
        );
    }

    #[test]
    fn no_group_is_left_with_exactly_one_hidden_member() {
        // A small pseudo-random sweep over breakdowns with areas and totals.
        let mut seed: u64 = 7;
        let mut next = |m: i64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) as i64) % m
        };
        for _ in 0..300 {
            let areas = 2;
            let rows = 4;
            let cols = 3;
            let mut values = vec![vec![vec![0i64; cols]; rows + 1]; areas + 1];
            for a in 0..areas {
                for r in 0..rows {
                    for c in 0..cols {
                        let v = if next(3) == 0 { 0 } else { next(14) };
                        values[a][r][c] = v;
                        values[a][rows][c] += v;
                        values[areas][r][c] += v;
                        values[areas][rows][c] += v;
                    }
                }
            }
            let shown = suppress_breakdown(&values, true, true, 5);
            for a in 0..=areas {
                for c in 0..cols {
                    let hidden = (0..=rows).filter(|&r| shown[a][r][c].is_hidden()).count();
                    assert_ne!(hidden, 1, "area {a} column {c}: {values:?} {shown:?}");
                }
            }
            for r in 0..=rows {
                for c in 0..cols {
                    let hidden = (0..=areas).filter(|&a| shown[a][r][c].is_hidden()).count();
                    assert_ne!(hidden, 1, "row {r} column {c}: {values:?} {shown:?}");
                }
            }
            for a in 0..=areas {
                for r in 0..=rows {
                    for c in 0..cols {
                        let v = values[a][r][c];
                        match shown[a][r][c] {
                            Shown::Count(n) => assert_eq!(n, v),
                            Shown::Small => assert!(is_small(v, 5)),
                            Shown::Withheld => assert!(v > 0, "a zero is never withheld"),
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_breakdown_without_totals_hides_only_small_counts() {
        let shown = suppress_breakdown(&[vec![vec![3, 8], vec![0, 12]]], false, false, 5);
        assert_eq!(
            shown,
            vec![vec![
                vec![Shown::Small, Shown::Count(8)],
                vec![Shown::Count(0), Shown::Count(12)]
            ]]
        );
    }

    #[test]
    fn a_cell_of_three_cannot_be_read_from_its_row_total() {
        // Rows are categories, the last row the total; one column per quarter.
        let values = vec![vec![
            vec![3, 6],
            vec![9, 2],
            vec![14, 7],
            vec![26, 15], // totals
        ]];
        let shown = suppress_breakdown(&values, true, false, 5);
        let quarter: Vec<Shown> = shown[0].iter().map(|r| r[0]).collect();
        assert_eq!(quarter[0], Shown::Small);
        assert_eq!(quarter[3], Shown::Count(26), "the total stays");
        let hidden = quarter.iter().filter(|s| s.is_hidden()).count();
        assert_eq!(hidden, 2, "the 9 is withheld beside the 3: {quarter:?}");
        assert_eq!(quarter[1], Shown::Withheld);
    }

    #[test]
    fn areas_and_their_sum_are_suppressed_together() {
        // Randers 3, Ballerup 10, the district 13: showing 10 and 13 would give Randers away.
        let values = vec![
            vec![vec![3], vec![3]],
            vec![vec![10], vec![10]],
            vec![vec![13], vec![13]],
        ];
        let shown = suppress_breakdown(&values, true, true, 5);
        assert_eq!(shown[0][0][0], Shown::Small);
        assert!(shown[1][0][0].is_hidden(), "{shown:?}");
        assert!(shown[1][1][0].is_hidden(), "{shown:?}");
        assert_eq!(shown[2][0][0], Shown::Count(13));
    }

    #[test]
    fn a_ragged_breakdown_hides_everything_but_zeros() {
        let shown = suppress_breakdown(&[vec![vec![3, 8], vec![0]]], true, false, 5);
        assert_eq!(shown[0][0], vec![Shown::Withheld, Shown::Withheld]);
        assert_eq!(shown[0][1], vec![Shown::Count(0)]);
    }

    /// Can any hidden entry of the grid be computed exactly from what is shown? Independent of
    /// the implementation: the margins are linear equations in the hidden entries, and an entry
    /// is determined exactly when its column of the equation matrix is not a combination of
    /// the others (removing it lowers the rank).
    fn revealed(cells: &[Vec<i64>], grid: &SuppressedGrid) -> bool {
        let rows = cells.len();
        let cols = cells[0].len();
        let (ar, ac) = (rows + 1, cols + 1);
        let hidden_at = |r: usize, c: usize| -> bool {
            match (r == rows, c == cols) {
                (false, false) => grid.cells[r][c].is_hidden(),
                (false, true) => grid.row_totals[r].is_hidden(),
                (true, false) => grid.column_totals[c].is_hidden(),
                (true, true) => grid.grand_total.is_hidden(),
            }
        };
        let vars: Vec<(usize, usize)> = (0..ar)
            .flat_map(|r| (0..ac).map(move |c| (r, c)))
            .filter(|&(r, c)| hidden_at(r, c))
            .collect();
        if vars.is_empty() {
            return false;
        }
        let mut equations: Vec<Vec<f64>> = Vec::new();
        for r in 0..ar {
            equations.push(
                vars.iter()
                    .map(|&(vr, vc)| match (vr == r, vc == cols) {
                        (true, false) => 1.0,
                        (true, true) => -1.0,
                        _ => 0.0,
                    })
                    .collect(),
            );
        }
        for c in 0..ac {
            equations.push(
                vars.iter()
                    .map(|&(vr, vc)| match (vc == c, vr == rows) {
                        (true, false) => 1.0,
                        (true, true) => -1.0,
                        _ => 0.0,
                    })
                    .collect(),
            );
        }
        let full = rank(&equations);
        (0..vars.len()).any(|i| {
            let without: Vec<Vec<f64>> = equations
                .iter()
                .map(|e| {
                    e.iter()
                        .enumerate()
                        .filter(|&(j, _)| j != i)
                        .map(|(_, v)| *v)
                        .collect()
                })
                .collect();
            rank(&without) < full
        })
    }

    fn rank(matrix: &[Vec<f64>]) -> usize {
        let mut m: Vec<Vec<f64>> = matrix.to_vec();
        let width = m.first().map_or(0, Vec::len);
        let mut rank = 0;
        for col in 0..width {
            let Some(pivot) = (rank..m.len()).find(|&r| m[r][col].abs() > 1e-9) else {
                continue;
            };
            m.swap(rank, pivot);
            for r in 0..m.len() {
                if r != rank {
                    let factor = m[r][col] / m[rank][col];
                    if factor != 0.0 {
                        for k in 0..width {
                            m[r][k] -= factor * m[rank][k];
                        }
                    }
                }
            }
            rank += 1;
        }
        rank
    }

    #[test]
    fn the_disclosure_check_sees_a_lone_hidden_cell_and_a_bridge() {
        let cells = vec![vec![3, 10], vec![8, 9]];
        let lone = SuppressedGrid {
            cells: vec![
                vec![Shown::Small, Shown::Count(10)],
                vec![Shown::Count(8), Shown::Count(9)],
            ],
            row_totals: vec![Shown::Count(13), Shown::Count(17)],
            column_totals: vec![Shown::Count(11), Shown::Count(19)],
            grand_total: Shown::Count(30),
        };
        assert!(revealed(&cells, &lone));
        let square = SuppressedGrid {
            cells: vec![
                vec![Shown::Small, Shown::Withheld],
                vec![Shown::Withheld, Shown::Withheld],
            ],
            ..lone.clone()
        };
        assert!(!revealed(&cells, &square));
        // Two 2x2 blocks joined by a bridge at (1, 2): every line has two hidden entries, yet
        // the bridge is determined.
        let cells = vec![
            vec![2, 3, 0, 0],
            vec![4, 1, 6, 0],
            vec![0, 0, 2, 3],
            vec![0, 0, 4, 1],
        ];
        let h = Shown::Small;
        let v = Shown::Count;
        let bridged = SuppressedGrid {
            cells: vec![
                vec![h, h, v(0), v(0)],
                vec![h, h, Shown::Withheld, v(0)],
                vec![v(0), v(0), h, h],
                vec![v(0), v(0), h, h],
            ],
            row_totals: vec![v(5), v(11), v(5), v(5)],
            column_totals: vec![v(6), v(4), v(12), v(4)],
            grand_total: v(26),
        };
        assert!(revealed(&cells, &bridged));
    }

    #[test]
    fn a_grid_hides_a_second_cell_in_the_row_and_the_column() {
        let cells = vec![vec![3, 10, 20], vec![8, 9, 30], vec![15, 16, 40]];
        let grid = suppress_grid(&cells, 5);
        assert_eq!(grid.cells[0][0], Shown::Small);
        let row_hidden = grid.cells[0].iter().filter(|s| s.is_hidden()).count();
        let col_hidden = grid.cells.iter().filter(|r| r[0].is_hidden()).count();
        assert!(row_hidden >= 2 && col_hidden >= 2, "{grid:?}");
        assert_eq!(grid.grand_total, Shown::Count(151));
        assert!(!revealed(&cells, &grid), "{grid:?}");
    }

    #[test]
    fn a_bridge_between_two_hidden_blocks_is_closed() {
        // Two blocks of small cells joined by one withheld cell would let the margins give that
        // cell back; suppress_grid must leave no hidden cell off a cycle.
        let cells = vec![
            vec![2, 3, 50, 0, 0],
            vec![4, 1, 0, 0, 0],
            vec![0, 0, 0, 2, 3],
            vec![0, 0, 60, 4, 1],
            vec![20, 20, 20, 20, 20],
        ];
        let grid = suppress_grid(&cells, 5);
        assert!(!revealed(&cells, &grid), "{grid:?}");
    }

    #[test]
    fn random_grids_never_give_a_hidden_cell_back() {
        let mut seed: u64 = 42;
        let mut next = |m: i64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) as i64) % m
        };
        for _ in 0..400 {
            let rows = 2 + next(4) as usize;
            let cols = 2 + next(4) as usize;
            let cells: Vec<Vec<i64>> = (0..rows)
                .map(|_| {
                    (0..cols)
                        .map(|_| if next(3) == 0 { 0 } else { next(16) })
                        .collect()
                })
                .collect();
            let grid = suppress_grid(&cells, 5);
            assert!(!revealed(&cells, &grid), "{cells:?} {grid:?}");
            for r in 0..rows {
                for c in 0..cols {
                    match grid.cells[r][c] {
                        Shown::Count(n) => assert_eq!(n, cells[r][c]),
                        Shown::Small => assert!(is_small(cells[r][c], 5)),
                        Shown::Withheld => {}
                    }
                }
            }
        }
    }

    #[test]
    fn a_grid_with_nothing_small_shows_everything() {
        let cells = vec![vec![5, 0], vec![7, 9]];
        let grid = suppress_grid(&cells, 5);
        assert_eq!(
            grid.cells,
            vec![
                vec![Shown::Count(5), Shown::Count(0)],
                vec![Shown::Count(7), Shown::Count(9)]
            ]
        );
        assert_eq!(grid.row_totals, vec![Shown::Count(5), Shown::Count(16)]);
        assert_eq!(grid.column_totals, vec![Shown::Count(12), Shown::Count(9)]);
        assert_eq!(grid.grand_total, Shown::Count(21));
    }
}
