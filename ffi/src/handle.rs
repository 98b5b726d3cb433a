//! Opaque C handles and the Rust values behind them (rustls-ffi's `Castable`).
//!
//! A C handle type (`steward_store`, `steward_error`) is a zero-sized,
//! non-`repr(C)` struct, so cbindgen declares it as an incomplete type. Its
//! pointers really point at a boxed [`Castable::RustType`]. This module is the
//! only place that converts between the two and the only one that calls
//! `Box::from_raw`.

/// A C handle type backed by a `Box<Self::RustType>`.
pub(crate) trait Castable {
    /// The Rust value the handle points at.
    type RustType;
}

/// Moves `value` to the heap and returns it as an owned handle.
pub(crate) fn to_box_ptr<C: Castable>(value: C::RustType) -> *mut C {
    Box::into_raw(Box::new(value)).cast::<C>()
}

/// Borrows the value behind a handle; `None` for NULL.
///
/// # Safety
/// `ptr` must be NULL or a handle returned by [`to_box_ptr`] for the same `C`
/// that has not been freed, and it must stay alive for `'a`.
pub(crate) unsafe fn try_ref<'a, C: Castable>(ptr: *const C) -> Option<&'a C::RustType> {
    // SAFETY: guaranteed by the caller.
    unsafe { ptr.cast::<C::RustType>().as_ref() }
}

/// Drops the value behind an owned handle; NULL is a no-op.
///
/// # Safety
/// `ptr` must be NULL or a handle returned by [`to_box_ptr`] for the same `C`
/// that has not been freed; it must not be used afterwards.
pub(crate) unsafe fn free_box<C: Castable>(ptr: *mut C) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: guaranteed by the caller; the pointer came from Box::into_raw.
    drop(unsafe { Box::from_raw(ptr.cast::<C::RustType>()) });
}
