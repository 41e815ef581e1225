//! The password policy, checked where a new password arrives.

use crate::error::Fields;

/// Shortest password accepted.
const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted (hashing cost grows with length).
const MAX_PASSWORD_CHARS: usize = 1000;

/// Records a field error unless `password` meets the policy.
pub(crate) fn check_password(fields: &mut Fields, field: &str, password: &str) {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        fields.push(
            field,
            format!("use at least {MIN_PASSWORD_CHARS} characters"),
        );
    } else if chars > MAX_PASSWORD_CHARS {
        fields.push(
            field,
            format!("use at most {MAX_PASSWORD_CHARS} characters"),
        );
    }
}
