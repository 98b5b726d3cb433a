//! Opaque C handles and the Rust values behind them (rustls-ffi's `Castable`).
//!
//! A C handle type (`steward_store`, `steward_error`) is a zero-sized,
//! non-`repr(C)` struct, so cbindgen declares it as an incomplete type. Its
//! pointers are **tokens**, not addresses: [`to_box_ptr`] boxes the value,
//! records the box in a registry of live handles under a fresh token, and
//! hands the token to C. Tokens are never reused. This module is the only
//! place that converts between tokens and values and the only one that calls
//! `Box::from_raw`.
//!
//! The registry makes the two classic handle bugs of C callers harmless:
//! - **use after free**: a freed token is no longer in the registry, so
//!   [`lookup`] answers [`Lookup::Stale`] (the boundary reports
//!   `STEWARD_STATUS_INVALID_HANDLE`) instead of touching freed memory;
//! - **double free**: [`free_box`] of a token that is not live does nothing.
//!
//! A handle of the wrong type (an error passed as a store) and a pointer that
//! Steward never returned are refused the same way. What it cannot catch: a
//! free on one thread racing with a call on another thread using the same
//! handle (the call may still be using the value the free drops); that stays
//! the caller's bug, as documented on each `_free` function.

use std::any::TypeId;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

/// A C handle type backed by a `Box<Self::RustType>`.
pub(crate) trait Castable: 'static {
    /// The Rust value the handle points at.
    type RustType;
    /// The C name of the handle type, for messages (`"steward_store"`).
    const C_NAME: &'static str;
}

/// One live handle: its C type and the boxed value (type-erased).
struct Live {
    ty: TypeId,
    value: *mut (),
}

/// Live handles by token.
struct Registry(BTreeMap<usize, Live>);

// SAFETY: the raw pointers are owned boxes of `Send + Sync` values (stores are
// `Mutex<Store>`, errors plain data); the map only stores them and every access
// goes through the mutex below.
unsafe impl Send for Registry {}

static LIVE: Mutex<Registry> = Mutex::new(Registry(BTreeMap::new()));

/// The first token; tokens step by 16 so that they look like aligned
/// pointers and are never NULL.
const FIRST_TOKEN: usize = 0x5354_0000;
static NEXT_TOKEN: AtomicUsize = AtomicUsize::new(FIRST_TOKEN);

fn registry() -> std::sync::MutexGuard<'static, Registry> {
    // The registry is only inserted into and removed from; a panic elsewhere
    // while it was locked cannot leave it half-updated.
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Moves `value` to the heap and returns it as an owned handle (a fresh token).
pub(crate) fn to_box_ptr<C: Castable>(value: C::RustType) -> *mut C {
    let value = Box::into_raw(Box::new(value)).cast::<()>();
    let token = NEXT_TOKEN.fetch_add(16, Ordering::Relaxed);
    registry().0.insert(
        token,
        Live {
            ty: TypeId::of::<C>(),
            value,
        },
    );
    std::ptr::without_provenance_mut(token)
}

/// What a handle argument turned out to be.
pub(crate) enum Lookup<'a, T> {
    /// NULL.
    Null,
    /// Not NULL, but not a live handle of the expected type: freed already,
    /// of another type, or never returned by Steward. Carries the C name of
    /// the expected type.
    Stale(&'static str),
    /// A live handle.
    Live(&'a T),
}

/// Looks a handle up in the registry.
///
/// # Safety
/// If `ptr` is live, it must stay live (not be freed by another thread) for
/// `'a`.
pub(crate) unsafe fn lookup<'a, C: Castable>(ptr: *const C) -> Lookup<'a, C::RustType> {
    if ptr.is_null() {
        return Lookup::Null;
    }
    let reg = registry();
    match reg.0.get(&ptr.addr()) {
        Some(live) if live.ty == TypeId::of::<C>() => {
            // SAFETY: the registry holds boxes made by `to_box_ptr::<C>`, so the
            // pointer is a live, aligned `C::RustType`; the caller keeps it
            // alive for `'a`.
            Lookup::Live(unsafe { &*live.value.cast::<C::RustType>() })
        }
        _ => Lookup::Stale(C::C_NAME),
    }
}

/// Borrows the value behind a handle; `None` for NULL or a handle that is
/// not live (see [`lookup`]).
///
/// # Safety
/// As [`lookup`].
pub(crate) unsafe fn try_ref<'a, C: Castable>(ptr: *const C) -> Option<&'a C::RustType> {
    // SAFETY: forwarded to the caller.
    match unsafe { lookup::<C>(ptr) } {
        Lookup::Live(value) => Some(value),
        Lookup::Null | Lookup::Stale(_) => None,
    }
}

/// Drops the value behind an owned handle. NULL, a handle already freed, a
/// handle of another type and a pointer Steward never returned are ignored.
///
/// # Safety
/// No other thread may be using the handle during this call.
pub(crate) unsafe fn free_box<C: Castable>(ptr: *mut C) {
    if ptr.is_null() {
        return;
    }
    let value = {
        let mut reg = registry();
        match reg.0.get(&ptr.addr()) {
            Some(live) if live.ty == TypeId::of::<C>() => {
                reg.0.remove(&ptr.addr()).map(|live| live.value)
            }
            _ => None,
        }
    };
    if let Some(value) = value {
        // SAFETY: the pointer came from Box::into_raw in `to_box_ptr::<C>` and
        // was just removed from the registry, so it is dropped exactly once.
        // Dropped outside the registry lock (closing a store may take time).
        drop(unsafe { Box::from_raw(value.cast::<C::RustType>()) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct thing {
        _private: [u8; 0],
    }
    impl Castable for thing {
        type RustType = String;
        const C_NAME: &'static str = "thing";
    }
    struct other {
        _private: [u8; 0],
    }
    impl Castable for other {
        type RustType = u64;
        const C_NAME: &'static str = "other";
    }

    #[test]
    fn freed_foreign_and_mistyped_handles_are_refused() {
        let a = to_box_ptr::<thing>("a".to_owned());
        let b = to_box_ptr::<thing>("b".to_owned());
        assert_ne!(a, b);
        // SAFETY: single-threaded test; handles are live or refused.
        unsafe {
            assert_eq!(try_ref(a).map(String::as_str), Some("a"));
            assert!(matches!(lookup(a), Lookup::Live(_)));
            // The wrong type is refused, and not freed by the wrong free.
            let as_other = a.cast::<other>();
            assert!(matches!(lookup(as_other), Lookup::Stale("other")));
            free_box(as_other);
            assert_eq!(try_ref(a).map(String::as_str), Some("a"));
            // Use after free and double free.
            free_box(a);
            assert!(matches!(lookup(a), Lookup::Stale("thing")));
            free_box(a);
            // A pointer Steward never returned.
            let bogus = std::ptr::without_provenance_mut::<thing>(0x1234_5678);
            assert!(matches!(lookup(bogus), Lookup::Stale("thing")));
            free_box(bogus);
            assert!(matches!(lookup(std::ptr::null::<thing>()), Lookup::Null));
            // The other handle is untouched; tokens are not reused.
            assert_eq!(try_ref(b).map(String::as_str), Some("b"));
            let c = to_box_ptr::<thing>("c".to_owned());
            assert_ne!(c, a);
            free_box(b);
            free_box(c);
        }
    }
}
