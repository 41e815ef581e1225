//! A listing rule the domain refused, pointed at the request field that broke it, so the
//! organizer gets a 422 naming `ends_at` or `ticket_types[1].name` instead of a 409: the
//! request was wrong, not the moment. Refusals that depend on the listing's state (sold
//! seats above a new capacity, too many ticket types already) stay 409s.

use domain::listing::{ListingError, NewTicketType};

use crate::commands::CommandError;

/// Which request the refusal answers, and so how its fields are named.
pub(crate) enum Request<'a> {
    /// `POST /listings`, with its ticket types in request order.
    Create(&'a [NewTicketType]),
    /// `POST /listings/{id}/details`.
    Details,
    /// `POST /listings/{id}/ticket_types`.
    TicketType,
    /// `POST /listings/{id}/ticket_types/{type}/capacity`.
    Capacity,
    /// `POST /listings/{id}/buyer_limits`.
    BuyerLimits,
    /// `POST /listings/{id}/waiting_room`.
    WaitingRoom,
}

/// `error` as a field error of `request` when a field broke a rule, else as it was.
pub(crate) fn in_fields(error: ListingError, request: Request<'_>) -> CommandError {
    match field_of(&error, &request) {
        Some(field) => CommandError::invalid(field, error),
        None => error.into(),
    }
}

fn field_of(error: &ListingError, request: &Request<'_>) -> Option<String> {
    use ListingError as E;
    let details = matches!(request, Request::Create(_) | Request::Details);
    let field = match (error, request) {
        (E::EndsBeforeStart { .. }, _) if details => "ends_at".to_owned(),
        (E::SalesWindowInverted { .. } | E::SalesCloseAfterEnd { .. }, _) if details => {
            "sales.closes_at".to_owned()
        }
        (E::StartsInThePast { .. }, _) if details => "starts_at".to_owned(),
        (E::NoTicketTypes, Request::Create(_)) => "ticket_types".to_owned(),
        (E::CapacityOutOfRange { name, .. }, Request::Create(types)) => {
            if name == "total capacity" {
                "total_capacity".to_owned()
            } else {
                format!("ticket_types[{}].capacity", named(types, name)?)
            }
        }
        (E::DuplicateTicketTypeName { .. }, Request::Create(types)) => {
            format!("ticket_types[{}].name", first_repeat(types)?)
        }
        (E::CurrencyMismatch { name, .. }, Request::Create(types)) => {
            format!(
                "ticket_types[{}].price.currency",
                named(types, name.as_str())?
            )
        }
        (E::TooManyTicketTypes { .. }, Request::Create(_)) => "ticket_types".to_owned(),
        (E::CapacityOutOfRange { .. }, Request::TicketType | Request::Capacity) => {
            "capacity".to_owned()
        }
        (E::DuplicateTicketTypeName { .. }, Request::TicketType) => "name".to_owned(),
        (E::CurrencyMismatch { .. }, Request::TicketType) => "price.currency".to_owned(),
        (E::BuyerLimitOutOfRange { name, .. }, Request::Create(_)) => {
            format!("buyer_limits.{name}")
        }
        (E::BuyerLimitOutOfRange { name, .. }, Request::BuyerLimits)
        | (E::RoomSettingOutOfRange { name, .. }, Request::WaitingRoom) => (*name).to_owned(),
        _ => return None,
    };
    Some(field)
}

/// The index of the ticket type called `name`.
fn named(types: &[NewTicketType], name: &str) -> Option<usize> {
    types.iter().position(|t| t.name.as_str() == name)
}

/// The index of the first ticket type whose name (ignoring case) an earlier one has, the
/// one the domain refuses.
fn first_repeat(types: &[NewTicketType]) -> Option<usize> {
    let key = |t: &NewTicketType| t.name.as_str().to_lowercase();
    (1..types.len()).find(|&i| types[..i].iter().any(|t| key(t) == key(&types[i])))
}
