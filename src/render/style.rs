//! Terminal styles: colours by meaning, and the only place ANSI escape
//! codes are written. Plain when colour is off (`--color never`, `NO_COLOR`,
//! or output that is not a terminal).

/// Colours by meaning. Plain when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    pub fn new(color: bool) -> Self {
        Style { color }
    }

    pub fn plain() -> Self {
        Style { color: false }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() }
    }

    pub fn error(&self, t: &str) -> String {
        self.paint("1;31", t)
    }
    pub fn warning(&self, t: &str) -> String {
        self.paint("1;33", t)
    }
    pub fn info(&self, t: &str) -> String {
        self.paint("1;36", t)
    }
    pub fn path(&self, t: &str) -> String {
        self.paint("1", t)
    }
    pub fn heading(&self, t: &str) -> String {
        self.paint("1", t)
    }
    pub fn dim(&self, t: &str) -> String {
        self.paint("2", t)
    }
    pub fn good(&self, t: &str) -> String {
        self.paint("32", t)
    }
    pub fn active(&self, t: &str) -> String {
        self.paint("33", t)
    }
}
