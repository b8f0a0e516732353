//! Field errors as the domain's validation reports them: a Danish message per field, the first
//! one for a field kept, rendered by the pages at each field and in a summary. And the checks
//! every text field goes through.

#[derive(Debug, Clone, Default)]
pub struct FieldErrors {
    errors: Vec<FieldError>,
    /// The label of each wrong field, as the page's own fields name it while it is rendered
    /// (`web::layout::render` renders a page with errors twice, so that the summary at the top
    /// can name fields the page only labels further down).
    labels: std::cell::RefCell<Vec<(String, String)>>,
}

#[derive(Debug, Clone)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldErrors {
    pub fn new() -> FieldErrors {
        FieldErrors::default()
    }

    /// Records an error; the first one for a field is the one shown.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        if !self.has(field) {
            self.errors.push(FieldError {
                field: field.to_owned(),
                message: message.into(),
            });
        }
    }

    pub fn has(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn list(&self) -> &[FieldError] {
        &self.errors
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Notes the label a page gives a field, for the summary; renders as nothing.
    pub fn label(&self, field: &str, label: &str) -> &'static str {
        let label = label.trim().trim_end_matches(':').trim();
        if self.has(field) && !label.is_empty() {
            let mut labels = self.labels.borrow_mut();
            if !labels.iter().any(|(f, _)| f == field) {
                labels.push((field.to_owned(), label.to_owned()));
            }
        }
        ""
    }

    /// The summary's line for an error: the field's label, then the message ("Navn: Feltet
    /// skal udfyldes."), or the message alone for a field the page has not labelled.
    pub fn summary_line(&self, error: &FieldError) -> String {
        let labels = self.labels.borrow();
        match labels.iter().find(|(f, _)| *f == error.field) {
            Some((_, l)) if l.ends_with('?') => format!("{l} {}", error.message),
            Some((_, l)) => format!("{l}: {}", error.message),
            None => error.message.clone(),
        }
    }

    /// Whether every wrong field has been labelled by the page.
    pub fn all_labelled(&self) -> bool {
        let labels = self.labels.borrow();
        self.errors
            .iter()
            .all(|e| labels.iter().any(|(f, _)| *f == e.field))
    }
}

/// The message at a field whose text holds a character that cannot be stored or shown.
pub const CONTROL_CHARACTER: &str =
    "Teksten indeholder et usynligt styretegn, som ikke kan gemmes. Skriv teksten igen uden det.";

/// Does the text hold a control character other than tab, carriage return and line feed?
/// PostgreSQL refuses NUL outright, and the others are never typed by a person.
pub fn has_control_characters(value: &str) -> bool {
    value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
}

/// Trims a free-text field and checks its characters and its length, in characters, not bytes.
pub fn text(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    required: bool,
    max_chars: usize,
) -> Option<String> {
    if has_control_characters(value) {
        errors.add(field, CONTROL_CHARACTER);
        return None;
    }
    let trimmed = value.trim();
    if trimmed.is_empty() {
        if required {
            errors.add(field, "Feltet skal udfyldes.");
        }
        return None;
    }
    if trimmed.chars().count() > max_chars {
        errors.add(
            field,
            format!("Teksten er for lang: højst {max_chars} tegn."),
        );
        return None;
    }
    Some(trimmed.to_owned())
}

/// A checkbox sent as "ja" when ticked and nothing when not; anything else is refused at the
/// field with `message`.
pub fn tick(errors: &mut FieldErrors, field: &str, value: &str, message: &str) -> Option<bool> {
    match value {
        "ja" => Some(true),
        "" => Some(false),
        _ => {
            errors.add(field, message);
            None
        }
    }
}

/// A date that has happened (today or before), as typed; `missing` is the message for an empty
/// field.
pub fn past_date(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    missing: &str,
    today: time::Date,
) -> Option<time::Date> {
    let message = match value.trim() {
        "" => missing,
        raw => match crate::domain::calendar::parse_date(raw) {
            None => "Datoen kan ikke læses. Skriv den som dd.mm.åååå.",
            Some(d) if d > today => "Datoen ligger i fremtiden.",
            Some(d) => return Some(d),
        },
    };
    errors.add(field, message);
    None
}

/// The one check of an e-mail address's form: something before the `@`, a domain with a dot
/// that neither starts nor ends it, one `@` and no white space. Whether it exists is for the
/// mail server to say.
pub fn is_email(value: &str) -> bool {
    match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !value.chars().any(char::is_whitespace)
        }
        None => false,
    }
}
