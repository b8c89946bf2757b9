//! The CSV that contact-centre systems export (RFC 4180: quoted fields may hold commas,
//! quotes and newlines), read into a header and rows that remember their line, so an
//! import can say exactly which line is wrong.

use crate::RowError;

/// A file's rows under its header (names lowercased and trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

/// One row: its line (line 1 is the header) and fields by column name.
pub struct Row<'a> {
    pub line: usize,
    header: &'a [String],
    fields: &'a [String],
}

impl Row<'_> {
    /// The trimmed field, or "" when the file has no such column.
    pub fn get(&self, name: &str) -> &str {
        self.header.iter().position(|h| h == name).map(|i| self.fields[i].trim()).unwrap_or("")
    }

    /// The field, or `None` when the column is absent or the field empty.
    pub fn optional(&self, name: &str) -> Option<String> {
        Some(self.get(name)).filter(|v| !v.is_empty()).map(str::to_string)
    }
}

impl Table {
    /// Reads `text`, requiring each of `required` in the header; `optional` is only
    /// named in the message that lists what was expected.
    pub fn parse(text: &str, required: &[&str], optional: &[&str]) -> Result<Table, RowError> {
        let mut records = records(text)?;
        if records.is_empty() {
            return Err(RowError { line: 1, message: "the file is empty".into() });
        }
        let (_, header) = records.remove(0);
        let header: Vec<String> = header.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
        let missing: Vec<&str> = required.iter().copied().filter(|c| !header.iter().any(|h| h == c)).collect();
        if !missing.is_empty() {
            let expected: Vec<&str> = required.iter().chain(optional).copied().collect();
            return Err(RowError {
                line: 1,
                message: format!("the header lacks {} (expected {})", missing.join(", "), expected.join(",")),
            });
        }
        Ok(Table { header, rows: records })
    }

    /// Reads every row with `read`, all or nothing: every bad row (wrong field count,
    /// `read`'s error, an id seen before) is reported with its line, and nothing is
    /// returned unless every row is good. `what` names a row in messages ("visit").
    pub fn read_all<T>(
        &self,
        what: &str,
        read: impl Fn(&Row) -> Result<T, String>,
        id: impl Fn(&T) -> String,
    ) -> Result<Vec<T>, Vec<RowError>> {
        let rows = self.rows().map(|row| match row {
            Ok(r) => (r.line, read(&r)),
            Err(e) => (e.line, Err(e.message)),
        });
        crate::all_or_nothing(what, rows, id)
    }

    /// Each row, or an error for a row whose field count is not the header's.
    pub fn rows(&self) -> impl Iterator<Item = Result<Row<'_>, RowError>> {
        self.rows.iter().map(|(line, fields)| {
            if fields.len() != self.header.len() {
                return Err(RowError {
                    line: *line,
                    message: format!("{} fields where the header has {}", fields.len(), self.header.len()),
                });
            }
            Ok(Row { line: *line, header: &self.header, fields })
        })
    }
}

/// Splits CSV text (RFC 4180: quoted fields may hold commas, quotes and newlines) into
/// records, each with the line it starts on.
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, RowError> {
    let mut out = Vec::new();
    let (mut field, mut row) = (String::new(), Vec::new());
    let (mut line, mut start) = (1usize, 1usize);
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                out.push((start, std::mem::take(&mut row)));
                line += 1;
                start = line;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(RowError { line: start, message: "a quoted field is never closed".into() });
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        out.push((start, row));
    }
    out.retain(|(_, r)| !(r.len() == 1 && r[0].trim().is_empty()));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_keep_commas_quotes_and_newlines() {
        let text = "a,b\n\"x, \"\"y\"\"\",\"two\nlines\"\nlast,row";
        let r = records(text).unwrap();
        assert_eq!(r[1], (2, vec!["x, \"y\"".to_string(), "two\nlines".to_string()]));
        assert_eq!(r[2].0, 4, "the line after a two-line record");
    }

    #[test]
    fn a_short_row_and_a_missing_column_are_named() {
        let t = Table::parse("a,b\n1\n", &["a", "b"], &[]).unwrap();
        assert_eq!(t.rows().next().unwrap().err().unwrap().line, 2);
        let e = Table::parse("a\n1\n", &["a", "b"], &["c"]).unwrap_err();
        assert_eq!(e.message, "the header lacks b (expected a,b,c)");
    }
}
