//! RFC 4180 CSV: CRLF line ends; a field holding a comma, a double quote,
//! CR or LF is quoted, with its quotes doubled. Text is UTF-8 (accents as
//! they are), preceded by a byte-order mark so spreadsheet programs read
//! the French labels right.

/// A CSV document as a download named `file` (the portfolio's, the
/// Service Inventory's).
pub fn download(file: &str, body: String) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// A CSV document being written.
#[derive(Debug, Default)]
pub struct Csv {
    out: String,
}

impl Csv {
    /// An empty document (with the UTF-8 byte-order mark).
    pub fn new() -> Csv {
        Csv {
            out: String::from('\u{feff}'),
        }
    }

    /// Appends one record.
    pub fn row<I, S>(&mut self, fields: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for (i, field) in fields.into_iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            let f = field.as_ref();
            if f.contains([',', '"', '\r', '\n']) {
                self.out.push('"');
                self.out.push_str(&f.replace('"', "\"\""));
                self.out.push('"');
            } else {
                self.out.push_str(f);
            }
        }
        self.out.push_str("\r\n");
    }

    /// The document.
    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let mut csv = Csv::new();
        csv.row(["Campagne", "Cible"]);
        csv.row([
            "plain",
            "a, b",
            "say \"hi\"",
            "two\nlines",
            "cr\rhere",
            "Québec — Île",
            "",
        ]);
        assert_eq!(
            csv.finish(),
            "\u{feff}Campagne,Cible\r\nplain,\"a, b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\",Québec — Île,\r\n"
        );
    }

    /// Splits RFC 4180 text back into records (a reader for the test only).
    fn read(text: &str) -> Vec<Vec<String>> {
        let mut rows = vec![vec![String::new()]];
        let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            let field = rows.last_mut().and_then(|r| r.last_mut()).expect("field");
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => field.push(c),
                (false, '"') => quoted = true,
                (false, ',') => rows.last_mut().expect("row").push(String::new()),
                (false, '\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                    rows.push(vec![String::new()]);
                }
                (false, c) => field.push(c),
            }
        }
        rows.pop();
        rows
    }

    #[test]
    fn any_text_round_trips() {
        let nasty = [
            "Demandez la SV, en ligne",
            "\"quoted\"",
            "line\r\nbreak",
            "\"",
            ",",
            "Ça, c'est « spécial »\n",
        ];
        let mut csv = Csv::new();
        csv.row(nasty);
        csv.row(["x"]);
        let rows = read(&csv.finish());
        assert_eq!(
            rows,
            vec![nasty.map(String::from).to_vec(), vec!["x".to_owned()]]
        );
    }
}
