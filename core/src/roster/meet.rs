//! Meetings of the searches of one call: at set points of their budget the
//! searches running side by side wait for each other, and each goes on from
//! the best roster any of them has found so far.
//!
//! Who waits for whom depends only on how far each search has come (a
//! fraction of its move limit, or of the time limit), and the roster handed
//! on is the best offered, ties to the lowest search: under a move limit
//! the result stays a function of the seed and the thread count. A search
//! that ends early, panics or was never started *leaves*: nobody waits for
//! it any more.

use std::sync::{Condvar, Mutex, MutexGuard};

use super::rules::Score;

/// The best roster offered at one meeting: its score, who offered it, the
/// roster.
type Offer = (Score, usize, Vec<u16>);

/// Where the searches of one call meet.
pub(super) struct Meetings {
    inner: Mutex<Inner>,
    turn: Condvar,
}

struct Inner {
    /// Per search: how many meetings it has reached, or `None` once it has
    /// left the call.
    reached: Vec<Option<usize>>,
    /// Per meeting: the best roster offered there.
    offers: Vec<Option<Offer>>,
}

impl Meetings {
    /// Meetings for `searches` searches, numbered from 0.
    pub(super) fn new(searches: usize) -> Self {
        Meetings {
            inner: Mutex::new(Inner {
                reached: vec![Some(0); searches],
                offers: Vec::new(),
            }),
            turn: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // No code panics while holding the lock; should it, the data is
        // still whole.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Search `i` reaches its next meeting and offers its best roster
    /// (`score`, `best`). Waits until every search still in the call has
    /// reached that meeting or left, and returns the best roster offered
    /// there when it is another search's and better than `score`. A search
    /// that has left meets nobody (returns `None` at once).
    pub(super) fn meet(&self, i: usize, score: Score, best: &[u16]) -> Option<(Score, Vec<u16>)> {
        let mut inner = self.lock();
        let r = inner.reached.get(i).copied().flatten()?;
        if inner.offers.len() <= r {
            inner.offers.resize(r + 1, None);
        }
        if inner.offers[r]
            .as_ref()
            .is_none_or(|(s, j, _)| (score, i) < (*s, *j))
        {
            inner.offers[r] = Some((score, i, best.to_vec()));
        }
        inner.reached[i] = Some(r + 1);
        self.turn.notify_all();
        while inner.reached.iter().any(|&k| k.is_some_and(|k| k <= r)) {
            inner = self.turn.wait(inner).unwrap_or_else(|e| e.into_inner());
        }
        match &inner.offers[r] {
            Some((s, j, x)) if *j != i && *s < score => Some((*s, x.clone())),
            _ => None,
        }
    }

    /// Search `i` leaves the call: nobody waits for it any more (calling it
    /// again does nothing).
    pub(super) fn leave(&self, i: usize) {
        let mut inner = self.lock();
        if let Some(k) = inner.reached.get_mut(i) {
            *k = None;
        }
        self.turn.notify_all();
    }
}

/// Makes search `.1` leave the meetings `.0` when dropped: at its end, or
/// when it panics.
pub(super) struct Member<'a>(pub(super) &'a Meetings, pub(super) usize);

impl Drop for Member<'_> {
    fn drop(&mut self) {
        self.0.leave(self.1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(soft: i64) -> Score {
        Score { hard: 0, soft }
    }

    /// Every search gets the best roster offered (ties to the lowest
    /// search), the search that offered it gets nothing, and meetings
    /// follow each other.
    #[test]
    fn each_search_goes_on_from_the_best_offered() {
        let m = Meetings::new(3);
        let offers = [
            (score(5), vec![5]),
            (score(3), vec![3]),
            (score(3), vec![4]),
        ];
        let got: Vec<_> = std::thread::scope(|scope| {
            let handles: Vec<_> = offers
                .iter()
                .enumerate()
                .map(|(i, (s, x))| {
                    let m = &m;
                    scope.spawn(move || {
                        let first = m.meet(i, *s, x);
                        // A second meeting: everybody now offers the same score.
                        let second = m.meet(i, score(3), &[i as u16]);
                        (first, second)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(got[0].0, Some((score(3), vec![3])));
        assert_eq!(got[1].0, None, "its own roster");
        assert_eq!(got[2].0, None, "equal, not better");
        assert!(got.iter().all(|g| g.1.is_none()), "no one better");
    }

    /// Nobody waits for a search that left, ended or panicked, and a search
    /// that left meets nobody.
    #[test]
    fn nobody_waits_for_a_search_that_left() {
        let m = Meetings::new(3);
        m.leave(2);
        assert_eq!(m.meet(2, score(0), &[0]), None);
        std::thread::scope(|scope| {
            let waiting = scope.spawn(|| m.meet(0, score(9), &[9]));
            let panicking = scope.spawn(|| {
                let _member = Member(&m, 1);
                panic!("a search went wrong");
            });
            assert!(panicking.join().is_err());
            assert_eq!(waiting.join().unwrap(), None);
        });
        // Alone in the call: meetings do not wait.
        assert_eq!(m.meet(0, score(1), &[1]), None);
    }
}
