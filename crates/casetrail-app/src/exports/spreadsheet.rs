//! CSV cells that a spreadsheet opens safely. A cell that starts with `=`, `+`, `-`, `@`, a
//! tab or a carriage return is run as a formula by Excel, LibreOffice and Google Sheets (a
//! justification reading `=HYPERLINK(...)` becomes a link). Following OWASP's rule for CSV
//! injection, such a cell gets a leading `'`, which spreadsheets show as text; a plain signed
//! number (`-0.083`) stays a number.

use std::borrow::Cow;

/// Characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    !digits.is_empty()
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        && digits.chars().next().is_some_and(|c| c.is_ascii_digit())
        && digits.chars().filter(|c| matches!(c, '.' | ',')).count() <= 1
}

/// The cell as a spreadsheet should get it.
pub fn cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) && !plain_number(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Every cell of a record, made safe.
pub fn record<I, S>(fields: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    fields
        .into_iter()
        .map(|f| cell(f.as_ref()).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_formula_start_is_neutralised() {
        for start in FORMULA_STARTS {
            let text = format!("{start}HYPERLINK(\"http://x\")");
            assert_eq!(cell(&text), format!("'{text}"), "{start:?}");
        }
        assert_eq!(cell("-1+2"), "'-1+2");
        assert_eq!(cell("+45 20304050"), "'+45 20304050");
    }

    #[test]
    fn text_and_plain_numbers_stay() {
        for text in [
            "Godt samarbejde",
            "",
            "-0.083",
            "-0,083",
            "+3",
            "12",
            "1 - 2",
            "'quoted",
        ] {
            assert_eq!(cell(text), text);
        }
    }
}
