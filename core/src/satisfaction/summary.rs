//! Sufficient statistics: what the engine keeps per group so that adding one
//! response is O(1) and the published numbers can be recomputed at any time.
//!
//! Every observation `x` carries a weight `w` (1 without time decay,
//! `2^(−age / half-life)` with it). Per variable and group the engine keeps
//! the raw count `n`, the unweighted sums `Σx`, `Σx²` (for the trend tests,
//! which compare two periods without decay) and the weighted sums `Σw`,
//! `Σw²`, `Σwx`, `Σwx²`. Scores on an integer scale are kept as a histogram
//! (count, `Σw`, `Σw²` per level), from which all of these follow exactly.
//!
//! From them: the weighted mean `x̄ = Σwx / Σw`, the effective sample size
//! `n_eff = (Σw)² / Σw²` (Kish), and the weighted within-group variance with
//! reliability weights `s² = Σw(x − x̄)² / (Σw − Σw²/Σw)`. Without decay these
//! are the plain mean, `n` and the sample variance.

/// Weighted sums of one continuous variable (the 0–100 index).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Moments {
    pub(crate) n: u64,
    pub(crate) sx: f64,
    pub(crate) sxx: f64,
    pub(crate) sw: f64,
    pub(crate) sww: f64,
    pub(crate) swx: f64,
    pub(crate) swxx: f64,
}

impl Moments {
    /// Adds one observation `x` with weight `w`.
    pub(crate) fn add(&mut self, x: f64, w: f64) {
        self.n += 1;
        self.sx += x;
        self.sxx += x * x;
        self.sw += w;
        self.sww += w * w;
        self.swx += w * x;
        self.swxx += w * x * x;
    }

    /// The summary used by intervals, shrinkage and tests.
    pub(crate) fn summary(&self) -> MeanSummary {
        let n = self.n as f64;
        let mean = if self.sw > 0.0 {
            self.swx / self.sw
        } else {
            f64::NAN
        };
        let ss = if self.sw > 0.0 {
            (self.swxx - self.swx * self.swx / self.sw).max(0.0)
        } else {
            0.0
        };
        let mean_u = if self.n > 0 { self.sx / n } else { f64::NAN };
        let var_u = if self.n > 1 {
            ((self.sxx - self.sx * self.sx / n) / (n - 1.0)).max(0.0)
        } else {
            f64::NAN
        };
        MeanSummary {
            n: self.n,
            sw: self.sw,
            sww: self.sww,
            mean,
            ss,
            mean_u,
            var_u,
        }
    }
}

/// A histogram of one integer-scale variable: count, `Σw` and `Σw²` per level.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Levels {
    pub(crate) counts: Vec<u64>,
    pub(crate) w: Vec<f64>,
    pub(crate) ww: Vec<f64>,
}

impl Levels {
    /// An empty histogram with `levels` levels.
    pub(crate) fn new(levels: usize) -> Levels {
        Levels {
            counts: vec![0; levels],
            w: vec![0.0; levels],
            ww: vec![0.0; levels],
        }
    }

    /// Adds one observation at level index `i` (0 = the scale's minimum).
    pub(crate) fn add(&mut self, i: usize, w: f64) {
        if let (Some(c), Some(sw), Some(sww)) = (
            self.counts.get_mut(i),
            self.w.get_mut(i),
            self.ww.get_mut(i),
        ) {
            *c += 1;
            *sw += w;
            *sww += w * w;
        }
    }

    /// Adds another histogram of the same scale.
    pub(crate) fn merge(&mut self, o: &Levels) {
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
        for (a, b) in self.w.iter_mut().zip(&o.w) {
            *a += b;
        }
        for (a, b) in self.ww.iter_mut().zip(&o.ww) {
            *a += b;
        }
    }

    /// Number of observations.
    pub(crate) fn n(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// `Σw` over all levels.
    pub(crate) fn sw(&self) -> f64 {
        self.w.iter().sum()
    }

    /// The summary of the variable whose value at level index `i` is `value(i)`.
    pub(crate) fn summary(&self, value: impl Fn(usize) -> f64) -> MeanSummary {
        let n = self.n();
        let sw: f64 = self.sw();
        let sww: f64 = self.ww.iter().sum();
        let mean = if sw > 0.0 {
            self.w
                .iter()
                .enumerate()
                .map(|(i, w)| w * value(i))
                .sum::<f64>()
                / sw
        } else {
            f64::NAN
        };
        let ss = if sw > 0.0 {
            self.w
                .iter()
                .enumerate()
                .map(|(i, w)| w * (value(i) - mean).powi(2))
                .sum::<f64>()
        } else {
            0.0
        };
        let nf = n as f64;
        let mean_u = if n > 0 {
            self.counts
                .iter()
                .enumerate()
                .map(|(i, &c)| c as f64 * value(i))
                .sum::<f64>()
                / nf
        } else {
            f64::NAN
        };
        let var_u = if n > 1 {
            self.counts
                .iter()
                .enumerate()
                .map(|(i, &c)| c as f64 * (value(i) - mean_u).powi(2))
                .sum::<f64>()
                / (nf - 1.0)
        } else {
            f64::NAN
        };
        MeanSummary {
            n,
            sw,
            sww,
            mean,
            ss,
            mean_u,
            var_u,
        }
    }

    /// Weighted share of observations at level index `from` or above, with the
    /// unweighted count there.
    pub(crate) fn share_from(&self, from: usize) -> Proportion {
        let sw = self.sw();
        let sww: f64 = self.ww.iter().sum();
        let top_w: f64 = self.w.iter().skip(from).sum();
        let top_n: u64 = self.counts.iter().skip(from).sum();
        Proportion {
            n: self.n(),
            x: top_n,
            sw,
            sww,
            p: if sw > 0.0 { top_w / sw } else { f64::NAN },
        }
    }

    /// Weighted share of each level (sums to 1).
    pub(crate) fn shares(&self) -> Vec<f64> {
        let sw = self.sw();
        self.w
            .iter()
            .map(|w| if sw > 0.0 { w / sw } else { 0.0 })
            .collect()
    }
}

/// Summary statistics of one variable in one group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct MeanSummary {
    /// Number of observations.
    pub(crate) n: u64,
    /// `Σw`.
    pub(crate) sw: f64,
    /// `Σw²`.
    pub(crate) sww: f64,
    /// Weighted mean.
    pub(crate) mean: f64,
    /// `Σw(x − x̄)²`.
    pub(crate) ss: f64,
    /// Unweighted mean.
    pub(crate) mean_u: f64,
    /// Unweighted sample variance (`n − 1` denominator; NaN for `n < 2`).
    pub(crate) var_u: f64,
}

impl MeanSummary {
    /// Kish's effective sample size `(Σw)² / Σw²` (= `n` without decay).
    pub(crate) fn n_eff(&self) -> f64 {
        if self.sww > 0.0 {
            self.sw * self.sw / self.sww
        } else {
            0.0
        }
    }

    /// The reliability-weights denominator `Σw − Σw²/Σw` (= `n − 1` without decay).
    pub(crate) fn dof_w(&self) -> f64 {
        if self.sw > 0.0 {
            (self.sw - self.sww / self.sw).max(0.0)
        } else {
            0.0
        }
    }

    /// The weighted within-group variance `s²` (NaN when it cannot be estimated).
    pub(crate) fn var_w(&self) -> f64 {
        let d = self.dof_w();
        if d > 1e-12 { self.ss / d } else { f64::NAN }
    }
}

/// A weighted proportion (top-box share, on-time share).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Proportion {
    /// Number of observations.
    pub(crate) n: u64,
    /// Unweighted number of successes.
    pub(crate) x: u64,
    /// `Σw`.
    pub(crate) sw: f64,
    /// `Σw²`.
    pub(crate) sww: f64,
    /// Weighted share of successes.
    pub(crate) p: f64,
}

impl Proportion {
    /// An unweighted proportion `x` of `n`.
    pub(crate) fn counted(x: u64, n: u64) -> Proportion {
        Proportion {
            n,
            x,
            sw: n as f64,
            sww: n as f64,
            p: if n > 0 { x as f64 / n as f64 } else { f64::NAN },
        }
    }

    /// Kish's effective sample size.
    pub(crate) fn n_eff(&self) -> f64 {
        if self.sww > 0.0 {
            self.sw * self.sw / self.sww
        } else {
            0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unweighted_histogram_gives_the_plain_statistics() {
        let mut h = Levels::new(5);
        for s in [5usize, 4, 4, 2, 5, 3] {
            h.add(s - 1, 1.0);
        }
        let m = h.summary(|i| i as f64 + 1.0);
        assert_eq!(m.n, 6);
        assert!((m.mean - 23.0 / 6.0).abs() < 1e-15);
        assert!((m.n_eff() - 6.0).abs() < 1e-15);
        // sample variance of 5,4,4,2,5,3: mean 23/6, Σ(x−m)² = 6.8333…
        let ss = [5.0, 4.0, 4.0, 2.0, 5.0, 3.0]
            .iter()
            .map(|x: &f64| (x - 23.0 / 6.0).powi(2))
            .sum::<f64>();
        assert!((m.var_w() - ss / 5.0).abs() < 1e-14);
        assert!((m.var_u - ss / 5.0).abs() < 1e-14);
        let top = h.share_from(3);
        assert_eq!((top.x, top.n), (4, 6));
        assert!((top.p - 4.0 / 6.0).abs() < 1e-15);
    }

    #[test]
    fn weights_give_kish_effective_size() {
        let mut m = Moments::default();
        m.add(10.0, 1.0);
        m.add(20.0, 0.5);
        let s = m.summary();
        assert!((s.mean - (10.0 + 10.0) / 1.5).abs() < 1e-14);
        assert!((s.n_eff() - 2.25 / 1.25).abs() < 1e-14);
        assert_eq!(s.mean_u, 15.0);
    }
}
