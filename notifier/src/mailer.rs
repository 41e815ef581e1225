//! Sending one rendered message over SMTP (lettre), or printing where it would go when no
//! SMTP server is configured. Failures are sorted into temporary and permanent.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{NotifierConfig, SmtpTls};
use crate::templates::Rendered;

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SendError {
    /// Worth retrying later (server down, 4xx, timeout).
    Temporary(String),
    /// Will never succeed (5xx, malformed address).
    Permanent(String),
}

/// Where messages go.
#[derive(Debug, Clone)]
pub(crate) enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    Print,
}

/// One message to one person.
pub(crate) struct Envelope<'a> {
    pub to_name: &'a str,
    pub to_address: &'a str,
    pub message_id: String,
    pub rendered: Rendered,
    /// For printing: never the address itself.
    pub recipient_id: &'a str,
    pub template: &'a str,
}

impl Mailer {
    /// The mailer `config` describes.
    pub(crate) fn new(config: &NotifierConfig) -> Result<Self, String> {
        let Some(host) = &config.smtp_host else {
            return Ok(Mailer::Print);
        };
        let from: Mailbox = config
            .mail_from
            .parse()
            .map_err(|e| format!("--mail-from: {e}"))?;
        let builder = match config.smtp_tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .map_err(|e| format!("--smtp-host: {e}"))?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                .map_err(|e| format!("--smtp-host: {e}"))?,
        };
        let mut builder = builder
            .port(config.smtp_port)
            .timeout(Some(Duration::from_secs(20)));
        if let (Some(user), Some(password)) = (&config.smtp_user, &config.smtp_password) {
            builder =
                builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
        }
        Ok(Mailer::Smtp {
            transport: builder.build(),
            from,
        })
    }

    /// Sends one message.
    pub(crate) async fn send(&self, envelope: Envelope<'_>) -> Result<(), SendError> {
        let (transport, from) = match self {
            Mailer::Print => {
                // A closed stdout (a supervisor that stopped reading) must not kill the
                // notifier, so the write's error is ignored rather than panicking.
                use std::io::Write as _;
                let _ = writeln!(
                    std::io::stdout(),
                    "no SMTP server configured: would send `{}` to user {} (message {})",
                    envelope.template,
                    envelope.recipient_id,
                    envelope.message_id
                );
                return Ok(());
            }
            Mailer::Smtp { transport, from } => (transport, from),
        };
        let address = envelope
            .to_address
            .parse()
            .map_err(|e| SendError::Permanent(format!("invalid recipient address: {e}")))?;
        let to = Mailbox::new(Some(envelope.to_name.to_owned()), address);
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(envelope.rendered.subject)
            .message_id(Some(envelope.message_id))
            .multipart(MultiPart::alternative_plain_html(
                envelope.rendered.text,
                envelope.rendered.html,
            ))
            .map_err(|e| SendError::Permanent(format!("message: {e}")))?;
        match transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(scrub(&e.to_string()))),
            Err(e) => Err(SendError::Temporary(scrub(&e.to_string()))),
        }
    }
}

/// A server's error text without any address it may echo, fit to store and show.
fn scrub(reason: &str) -> String {
    reason
        .split(' ')
        .map(|word| {
            if word.contains('@') {
                "<address>"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
