//! The codec's round trip: every text reads back byte for byte, in Rust and in SQL alike.

use proptest::prelude::*;
use rusqlite::Connection;

use super::*;

/// The text `stored` reads back as, through Rust and through the view's SQL.
fn read_back(conn: &Connection, s: &(impl ToSql + ?Sized)) -> (String, String) {
    let rust: UsageDecimalText = conn.query_row("SELECT ?1", [s], |r| r.get(0)).unwrap();
    let sql: String = conn
        .query_row(
            &format!("SELECT {} FROM (SELECT ?1 AS x)", text_sql("x")),
            [s],
            |r| r.get(0),
        )
        .unwrap();
    (rust.0, sql)
}

fn conn() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    register(&conn).unwrap();
    conn
}

fn check(conn: &Connection, text: &str) -> Stored {
    let s = stored_text(text);
    let (rust, sql) = read_back(conn, &s);
    assert_eq!(rust, text, "Rust reads {text:?} back from {s:?}");
    assert_eq!(sql, text, "SQL reads {text:?} back from {s:?}");
    let through_sql: rusqlite::types::Value = conn
        .query_row("SELECT usage_decimal_stored(?1)", [text], |r| r.get(0))
        .unwrap();
    let expected = match &s {
        Stored::Scaled(n) => rusqlite::types::Value::Integer(*n),
        Stored::Text(t) => rusqlite::types::Value::Text(t.clone()),
    };
    assert_eq!(
        through_sql, expected,
        "the migration's function stores {text:?} alike"
    );
    if let Ok(d) = Decimal::from_str(text.trim()) {
        let value: UsageDecimal = conn.query_row("SELECT ?1", [&s], |r| r.get(0)).unwrap();
        assert_eq!(value.0, d, "{text:?} reads back as its value");
    }
    s
}

#[test]
fn edge_cases_read_back_exactly_and_only_canonical_small_values_are_scaled() {
    let conn = conn();
    let scaled = [
        "0",
        "1",
        "-1",
        "1.50",
        "0.00",
        "0.05",
        "-0.05",
        "-12.3456789",
        "123456.000000",
        "0.0000000000000000000000000001",
        "-0.0000000000000000000000000001",
        "99999999999999999",
        "-99999999999999999",
        "9.9999999999999999",
    ];
    for text in scaled {
        assert!(
            matches!(check(&conn, text), Stored::Scaled(_)),
            "{text:?} is scaled"
        );
    }
    let kept = [
        "-0.00",
        "-0",
        "1e-5",
        " 1",
        "1 ",
        "+1",
        "01.5",
        ".5",
        "1.",
        "100000000000000000",
        "9223372036854775807",
        "-9223372036854775808",
        "79228162514264337593543950335",
        "abc",
        "",
    ];
    for text in kept {
        assert_eq!(
            check(&conn, text),
            Stored::Text(text.to_string()),
            "{text:?} stays text"
        );
    }
}

#[test]
fn a_scaled_integer_keeps_mantissa_and_scale_apart() {
    assert_eq!(stored_text("1.50"), Stored::Scaled(150 * 32 + 2));
    assert_eq!(stored_text("-1.50"), Stored::Scaled(-150 * 32 + 2));
    assert_eq!(stored_text("7"), Stored::Scaled(7 * 32));
    assert_eq!(stored(&Decimal::new(-5, 28)), Stored::Scaled(-5 * 32 + 28));
}

#[test]
fn integers_that_no_writer_scales_still_decode_or_fail_loudly() {
    let conn = conn();
    // Scale 29..31 cannot come from a Decimal: reading it is an error, not a wrong value.
    let bad: rusqlite::Result<UsageDecimal> = conn.query_row("SELECT 29", [], |r| r.get(0));
    assert!(bad.is_err());
    // The i64 limits decode in SQL without overflow, to the text Rust reads.
    for (n, text) in [
        (i64::MAX - 3, "0.0000000000288230376151711743"),
        (i64::MIN, "-288230376151711744"),
    ] {
        assert_eq!(read_back(&conn, &n), (text.to_string(), text.to_string()));
    }
}

proptest! {
    #[test]
    fn any_decimal_reads_back_as_its_text(m in any::<i64>(), scale in 0u32..=28) {
        let conn = conn();
        let d = Decimal::from_i128_with_scale(i128::from(m), scale);
        let text = d.to_string();
        let s = stored(&d);
        prop_assert_eq!(&s, &stored_text(&text));
        let (rust, sql) = read_back(&conn, &s);
        prop_assert_eq!(&rust, &text);
        prop_assert_eq!(&sql, &text);
    }

    #[test]
    fn small_mantissas_are_always_scaled(m in -99_999_999_999_999_999i64..=99_999_999_999_999_999, scale in 0u32..=28) {
        let d = Decimal::from_i128_with_scale(i128::from(m), scale);
        prop_assert!(matches!(stored(&d), Stored::Scaled(_)) || m == 0 && d.is_sign_negative());
    }
}
