//! The messages, each as a subject, a plain-text body and an HTML body. User-provided
//! text (names, titles, reasons) is escaped in HTML.

use crate::plan::{Facts, Template};

/// A rendered message.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
}

/// What a template is filled with.
#[derive(Debug, Clone)]
pub struct Letter<'a> {
    /// The recipient's display name.
    pub name: &'a str,
    /// The listing's title, when known.
    pub title: Option<&'a str>,
    /// The facts recorded from the event.
    pub facts: &'a Facts,
    /// A link to act on (verification, bookings page).
    pub link: String,
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Renders `template` for `letter`.
pub fn render(template: Template, letter: &Letter<'_>) -> Rendered {
    let f = letter.facts;
    let title = f.title.as_deref().or(letter.title).unwrap_or("your event");
    let seats = f.seats.unwrap_or(0);
    let deadline = f
        .deadline
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default();
    let (subject, lines): (String, Vec<String>) = match template {
        Template::VerifyAccount => (
            "Please verify your e-mail address".into(),
            vec!["Welcome to boxoffice! Please confirm this is your address:".into()],
        ),
        Template::BookingConfirmed => (
            format!("Your tickets for {title}"),
            vec![
                format!("Your booking for {title} is confirmed: {seats} seat(s)."),
                "Ticket codes (show one per person at the door):".into(),
                f.ticket_codes.join("\n"),
            ],
        ),
        Template::BookingCancelled => (
            format!("Your booking for {title} was cancelled"),
            vec![format!("Your booking for {title} was cancelled; its tickets are no longer valid.")],
        ),
        Template::RefundIssued => (
            format!("Refund for {title}"),
            vec![format!(
                "A refund of {} for your booking for {title} is on its way.",
                f.amount.as_deref().unwrap_or("the amount paid")
            )],
        ),
        Template::HoldExpiring => (
            format!("Your seats for {title} expire soon"),
            vec![format!("You are holding {seats} seat(s) for {title} until {deadline}. Confirm before then to keep them.")],
        ),
        Template::WaitlistOffer => (
            format!("Seats are available for {title}"),
            vec![format!("Good news: {seats} seat(s) for {title} are yours if you accept before {deadline}.")],
        ),
        Template::OfferExpired => (
            format!("Your offer for {title} expired"),
            vec![format!("Your waitlist offer of {seats} seat(s) for {title} expired and passed to the next person.")],
        ),
        Template::ListingChanged => (
            format!("{title} has changed"),
            vec![format!(
                "The details of {title} changed. It now starts {} at {}.",
                f.starts_at
                    .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
                    .unwrap_or_default(),
                f.venue.as_deref().unwrap_or("the venue")
            )],
        ),
        Template::ListingCancelled => (
            format!("{title} is cancelled"),
            vec![format!(
                "We are sorry: {title} is cancelled ({}). Your booking is cancelled and any payment refunded.",
                f.reason.as_deref().unwrap_or("no reason given")
            )],
        ),
    };
    let greeting = format!("Hello {},", letter.name);
    let text = format!(
        "{greeting}\n\n{}\n\n{}\n\n-- boxoffice\n",
        lines.join("\n"),
        letter.link
    );
    let paragraphs: String = lines
        .iter()
        .map(|l| format!("<p>{}</p>", escape(l).replace('\n', "<br>")))
        .collect();
    let link = escape(&letter.link);
    let html = format!(
        "<!doctype html><html><body><p>{}</p>{paragraphs}<p><a href=\"{link}\">{link}</a></p><p>-- boxoffice</p></body></html>",
        escape(&greeting)
    );
    Rendered {
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_titles_are_escaped_in_html_but_not_in_text() {
        let facts = Facts {
            title: Some("<b>Jazz</b> & blues".into()),
            ..Facts::default()
        };
        let letter = Letter {
            name: "Eve <script>",
            title: None,
            facts: &facts,
            link: "http://x/?a=1&b=2".into(),
        };
        let rendered = render(Template::ListingCancelled, &letter);
        assert!(rendered
            .html
            .contains("&lt;b&gt;Jazz&lt;/b&gt; &amp; blues"));
        assert!(rendered.html.contains("Eve &lt;script&gt;"));
        assert!(!rendered.html.contains("<script>"));
        assert!(rendered.text.contains("<b>Jazz</b> & blues"));
    }
}
