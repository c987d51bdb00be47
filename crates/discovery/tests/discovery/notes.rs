//! Credit and adjustment notes (issue 18): Discovery reads each invoice's `amendments` as
//! documents of their own, linked to the invoice they amend and in its period, with their
//! own lines.

use cspdesk_store::{billing, Database};

use crate::harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn notes_are_stored_under_the_invoice_they_amend_with_their_lines() {
    let emu = emulator(config()).await;
    let f = fixture(&emu);
    let session = sign_in(&emu, &f).await;
    let run = discover(&emu, &f, session).await;
    assert_eq!(run.state, "completed", "{run:?}");
    let db = Database::open(&f.db).unwrap();
    let all = billing::invoices(&db).unwrap();
    let notes: Vec<_> = all.iter().filter(|i| i.amends_of.is_some()).collect();
    assert!(
        !notes.is_empty(),
        "the emulator issues adjustment notes: {all:?}"
    );
    for note in notes {
        let of = note.amends_of.as_deref().unwrap();
        let invoice = all
            .iter()
            .find(|i| i.id == of)
            .unwrap_or_else(|| panic!("note {} amends {of}, which is stored", note.id));
        assert_eq!(note.document_type.as_deref(), Some("adjustment_note"));
        assert_eq!(
            (&note.billing_period_start, &note.currency),
            (&invoice.billing_period_start, &invoice.currency),
            "note {} is counted in the period of {of}",
            note.id
        );
        assert!(note.lines_complete, "note {}'s lines are read", note.id);
        let lines: rust_decimal::Decimal = billing::charges_by_customer(&db, &f.account, &note.id)
            .unwrap()
            .iter()
            .map(|c| c.cost.amount())
            .sum();
        assert_eq!(
            lines,
            note.total_charges.amount(),
            "note {} equals the sum of its lines",
            note.id
        );
        assert!(lines.is_sign_negative(), "the note credits: {lines}");
        let listed = billing::notes_of(&db, &f.account, of).unwrap();
        assert!(listed.iter().any(|n| n.id == note.id));
    }
}
