//! The thread-safety claims of the public types, checked at compile time.
//!
//! A claim that breaks (a field that is not `Sync` added to a result type, a
//! `Store` that became `Sync` by accident) fails to compile this file.

#![allow(dead_code)]

const fn send<T: Send + ?Sized>() {}
const fn sync<T: Sync + ?Sized>() {}
const fn send_sync<T: Send + Sync + ?Sized>() {}

/// Compiles only if `T` is **not** `Sync` (two blanket impls make the
/// method ambiguous exactly when `T: Sync`).
trait NotSync<A> {
    fn check() {}
}
impl<T: ?Sized> NotSync<()> for T {}
struct IsSync;
impl<T: ?Sized + Sync> NotSync<IsSync> for T {}

const _: () = {
    // Documents, records and errors cross threads freely (the C ABI's last
    // error and the Python module hand them between threads).
    send_sync::<steward::Estate>();
    send_sync::<steward::WorkOrder>();
    send_sync::<steward::Error>();
    send_sync::<steward::Issue>();
    send_sync::<steward::Filter>();
    // Engines are plain functions over such values.
    send_sync::<steward::wire::Entry>();
    send_sync::<steward::report::Report>();
    send_sync::<dyn steward::report::Section>();
    // Engine results share their indexes between entries (an `Arc`), and
    // still cross threads.
    send_sync::<steward::dispatch::Ranking<'static>>();
    send_sync::<steward::dispatch::RankedOrder<'static>>();
    // "A Store is Send but not Sync": one per thread, or behind a Mutex (as
    // the C handle and the Python class hold it).
    send::<steward::Store>();
    sync::<std::sync::Mutex<steward::Store>>();
};

#[test]
fn a_store_is_not_sync() {
    <steward::Store as NotSync<_>>::check();
}
