//! How a customer's lines are ordered in a view (see [`super::line_view`]'s docs): text
//! as people read it, decimals exactly, blanks last and ties in invoice order, both ways.

use std::cmp::Ordering;
use std::collections::HashMap;

use cspdesk_store::invoice_lines::LineFields;
use rust_decimal::Decimal;

use super::dto::LineColumn;

pub(super) const BLANK: u32 = u32::MAX;

/// The sort column's value of each line in view, in invoice order.
pub(super) enum SortValues {
    Invoice,
    /// Distinct texts, and each line's index into them (`BLANK`: none). Sorting the few
    /// distinct texts once is far cheaper than comparing a million of them.
    Text {
        ids: Vec<u32>,
        values: Vec<String>,
        index: HashMap<String, u32>,
    },
    /// Lines with a value (with their index), and those without.
    Number(Vec<(Decimal, u32)>, Vec<u32>),
}

impl SortValues {
    pub(super) fn new(column: LineColumn) -> Self {
        use LineColumn::*;
        match column {
            Line => Self::Invoice,
            Product | Sku | Subscription | ChargeType | ChargeStart => Self::Text {
                ids: Vec::new(),
                values: Vec::new(),
                index: HashMap::new(),
            },
            Quantity | UnitPrice | Cost | Resale => Self::Number(Vec::new(), Vec::new()),
        }
    }

    pub(super) fn push(
        &mut self,
        column: LineColumn,
        f: &LineFields<'_>,
        cost: Decimal,
        resale: Decimal,
    ) {
        use LineColumn::*;
        match self {
            Self::Invoice => {}
            Self::Text { ids, values, index } => {
                let text = match column {
                    Product => f.product,
                    Sku => f.sku,
                    Subscription => f.subscription_id,
                    ChargeType => f.charge_type,
                    _ => f.charge_start,
                };
                ids.push(match text.filter(|t| !t.is_empty()) {
                    None => BLANK,
                    Some(t) => match index.get(t) {
                        Some(id) => *id,
                        None => {
                            let id = u32::try_from(values.len()).unwrap_or(BLANK - 1);
                            values.push(t.to_string());
                            index.insert(t.to_string(), id);
                            id
                        }
                    },
                });
            }
            Self::Number(present, blank) => {
                let index = u32::try_from(present.len() + blank.len()).unwrap_or(u32::MAX);
                let value = match column {
                    Cost => Some(cost),
                    Resale => Some(resale),
                    Quantity => f.quantity.and_then(decimal),
                    _ => f.unit_price.and_then(decimal),
                };
                match value {
                    Some(v) => present.push((v, index)),
                    None => blank.push(index),
                }
            }
        }
    }

    /// Indices of the lines in view order (see the module docs).
    pub(super) fn order(self, count: usize, descending: bool) -> Vec<u32> {
        let index = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        match self {
            Self::Invoice => {
                let mut order: Vec<u32> = (0..count).map(index).collect();
                if descending {
                    order.reverse();
                }
                order
            }
            Self::Text { ids, values, .. } => {
                let mut distinct: Vec<usize> = (0..values.len()).collect();
                distinct.sort_by(|a, b| natural(&values[*a], &values[*b]));
                let mut rank = vec![0u64; values.len()];
                for (r, id) in distinct.into_iter().enumerate() {
                    rank[id] = r as u64;
                }
                let n = values.len() as u64;
                // (rank, invoice index) packed in one u64: ties fall in invoice order.
                let mut packed: Vec<u64> = ids
                    .iter()
                    .enumerate()
                    .map(|(i, id)| {
                        let r = match *id {
                            BLANK => n,
                            id if descending => n - 1 - rank[id as usize],
                            id => rank[id as usize],
                        };
                        r << 32 | i as u64
                    })
                    .collect();
                packed.sort_unstable();
                packed.into_iter().map(|p| p as u32).collect()
            }
            Self::Number(mut present, blank) => {
                present.sort_unstable_by(|a, b| {
                    let by_value = a.0.cmp(&b.0);
                    if descending {
                        by_value.reverse()
                    } else {
                        by_value
                    }
                    .then(a.1.cmp(&b.1))
                });
                present.into_iter().map(|(_, i)| i).chain(blank).collect()
            }
        }
    }
}

/// A quantity or price as sent, if it is a number.
pub(super) fn decimal(text: &str) -> Option<Decimal> {
    let t = text.trim();
    t.parse().ok().or_else(|| Decimal::from_scientific(t).ok())
}

/// Text as people read it: case ignored, runs of digits by value; equal that way, by the
/// exact text, so distinct texts never tie.
pub(crate) fn natural(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    let digits = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
        let mut run = String::new();
        while let Some(c) = it.next_if(char::is_ascii_digit) {
            if !(run.is_empty() && c == '0') {
                run.push(c);
            }
        }
        run
    };
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let (m, n) = (digits(&mut x), digits(&mut y));
                let by_value = m.len().cmp(&n.len()).then_with(|| m.cmp(&n));
                if by_value != Ordering::Equal {
                    return by_value;
                }
            }
            (Some(c), Some(d)) => {
                let by_letter = c.to_lowercase().cmp(d.to_lowercase());
                if by_letter != Ordering::Equal {
                    return by_letter;
                }
                x.next();
                y.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cspdesk_store::invoice_lines::LineKey;

    #[test]
    fn text_sorts_as_people_read_it_and_distinct_texts_never_tie() {
        let mut v = vec![
            "Meter 10",
            "meter 2",
            "Meter 2",
            "Bandwidth",
            "",
            "meter 02",
        ];
        v.sort_by(|a, b| natural(a, b));
        assert_eq!(
            v,
            [
                "",
                "Bandwidth",
                "Meter 2",
                "meter 02",
                "meter 2",
                "Meter 10"
            ],
            "case ignored, digits by value, the exact text last"
        );
        assert_eq!(natural("a1b", "a01b"), "a1b".cmp("a01b"));
        assert_eq!(natural("x", "x"), Ordering::Equal);
    }

    fn fields<'a>(quantity: Option<&'a str>, product: Option<&'a str>) -> LineFields<'a> {
        LineFields {
            key: LineKey::new(false, 1),
            product,
            sku: None,
            subscription_id: None,
            charge_type: None,
            charge_start: None,
            quantity,
            unit_price: None,
            cost: cspdesk_store::Money::ZERO,
            currency: None,
        }
    }

    #[test]
    fn numbers_sort_exactly_blanks_last_and_ties_in_invoice_order_both_ways() {
        let values = ["1.10", "x", "1.1", "-2", "0.3", "1.100"];
        let make = || {
            let mut v = SortValues::new(LineColumn::Quantity);
            for q in values {
                let f = fields(Some(q), None);
                v.push(LineColumn::Quantity, &f, Decimal::ZERO, Decimal::ZERO);
            }
            v
        };
        assert_eq!(make().order(6, false), [3, 4, 0, 2, 5, 1]);
        assert_eq!(make().order(6, true), [0, 2, 5, 4, 3, 1]);
    }

    #[test]
    fn text_ties_keep_invoice_order_and_blanks_stay_last_descending() {
        let mut v = SortValues::new(LineColumn::Product);
        let lines = [Some("b"), None, Some("a"), Some("b"), Some("")];
        for p in lines {
            let f = fields(None, p);
            v.push(LineColumn::Product, &f, Decimal::ZERO, Decimal::ZERO);
        }
        assert_eq!(v.order(5, true), [0, 3, 2, 1, 4]);
    }
}
