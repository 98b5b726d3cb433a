//! The reference estate (placeholder while it is being written).

/// The demo estate.
pub fn estate() -> crate::Estate {
    todo!()
}
