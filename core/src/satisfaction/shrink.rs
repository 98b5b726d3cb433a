//! Empirical-Bayes shrinkage of sibling groups toward their parent.
//!
//! Sibling groups are the children of one parent group in one grouping (the
//! buildings of an estate, the months of a building). Shrinkage needs at
//! least [`MIN_GROUPS`] siblings with data; with fewer, estimates are
//! published unshrunk and say so.
//!
//! # Means: normal–normal model
//!
//! Group `j` has weighted mean `ȳⱼ`, weight sum `Vⱼ = Σw` and effective size
//! `nⱼ = (Σw)²/Σw²`. The model is `ȳⱼ ~ N(θⱼ, vⱼ)`, `θⱼ ~ N(μ, τ²)` with
//!
//! - `σ² = Σⱼ Σw(x − ȳⱼ)² / Σⱼ (Vⱼ − Σw²/Vⱼ)`, the pooled within-group
//!   variance (all siblings, so a group of one still gets a variance); if no
//!   group has two observations, the variance of all siblings' observations
//!   around `μ` (conservative: it includes the between-group part);
//! - `vⱼ = σ² / nⱼ`;
//! - `μ = Σ Vⱼ ȳⱼ / Σ Vⱼ`, the parent's own (weighted) mean over the
//!   observations that fall in some sibling;
//! - `τ²` by the method of moments (DerSimonian–Laird):
//!   `τ² = max(0, (Q − (k − 1)) / (Σuⱼ − Σuⱼ²/Σuⱼ))` with `uⱼ = 1/vⱼ`,
//!   `Q = Σ uⱼ (ȳⱼ − ȳᵤ)²`, `ȳᵤ = Σ uⱼȳⱼ / Σ uⱼ`;
//! - shrinkage factor `Bⱼ = vⱼ / (vⱼ + τ²)` and estimate
//!   `θ̂ⱼ = μ + (1 − Bⱼ)(ȳⱼ − μ)`; `1 − Bⱼ` is reported as the weight on the
//!   group's own data;
//! - variance `(1 − Bⱼ) vⱼ + Bⱼ² Var(μ)` with
//!   `Var(μ) = Σ Vⱼ² (vⱼ + τ²) / (Σ Vⱼ)²` (Morris's form, τ² plugged in), and
//!   the interval `θ̂ⱼ ± z·√variance`, clipped to the scale.
//!
//! # Proportions (CSAT): beta–binomial model
//!
//! Group `j` has `xⱼ` top-box answers out of `nⱼ` (effective counts with
//! decay: `nⱼ = n_eff`, `xⱼ = p̂ⱼ nⱼ`). The prior is Beta(α, β) with mean
//! `p₀ = Σx/Σn` (the parent's share) and strength `M = α + β` from the same
//! method of moments on the proportions (`vⱼ = p₀(1 − p₀)/nⱼ`):
//! `M = p₀(1 − p₀)/τ² − 1`, limited to `[1, Σn]` (with `τ² = 0` the prior
//! weighs as much as the whole parent, never more). `α = max(p₀M, ½)`,
//! `β = max((1 − p₀)M, ½)`. The estimate is the posterior mean
//! `(α + xⱼ)/(M + nⱼ)` and the interval the equal-tailed posterior interval
//! of Beta(α + xⱼ, β + nⱼ − xⱼ).

use super::stats;
use super::summary::{MeanSummary, Proportion};

/// Fewest sibling groups with data for which the between-group variance is
/// estimated (with two, `Q` has a single degree of freedom).
pub const MIN_GROUPS: usize = 3;

/// A shrunk estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Shrunk {
    pub(crate) value: f64,
    pub(crate) low: f64,
    pub(crate) high: f64,
    /// Weight on the group's own data (`1 − B`), 0 to 1.
    pub(crate) weight: f64,
    /// The value shrunk toward (the parent's).
    pub(crate) toward: f64,
}

/// The fitted normal–normal prior of one set of siblings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct NormalPrior {
    pub(crate) mu: f64,
    pub(crate) var_mu: f64,
    pub(crate) tau2: f64,
    pub(crate) sigma2: f64,
}

/// DerSimonian–Laird between-group variance for estimates `y` with
/// sampling variances `v` (all positive).
fn dersimonian_laird(y: &[f64], v: &[f64]) -> f64 {
    let k = y.len() as f64;
    let u: Vec<f64> = v.iter().map(|v| 1.0 / v).collect();
    let su: f64 = u.iter().sum();
    let suu: f64 = u.iter().map(|u| u * u).sum();
    let ybar = u.iter().zip(y).map(|(u, y)| u * y).sum::<f64>() / su;
    let q: f64 = u.iter().zip(y).map(|(u, y)| u * (y - ybar).powi(2)).sum();
    let denom = su - suu / su;
    if denom > 0.0 {
        ((q - (k - 1.0)) / denom).max(0.0)
    } else {
        0.0
    }
}

impl NormalPrior {
    /// Fits the prior to sibling summaries (groups without data are ignored).
    /// `None` with fewer than [`MIN_GROUPS`] groups.
    pub(crate) fn fit(groups: &[MeanSummary]) -> Option<NormalPrior> {
        let groups: Vec<&MeanSummary> = groups
            .iter()
            .filter(|g| g.sw > 0.0 && g.mean.is_finite())
            .collect();
        if groups.len() < MIN_GROUPS {
            return None;
        }
        let total_w: f64 = groups.iter().map(|g| g.sw).sum();
        let mu = groups.iter().map(|g| g.sw * g.mean).sum::<f64>() / total_w;
        let dof: f64 = groups.iter().map(|g| g.dof_w()).sum();
        let sigma2 = if dof > 1e-9 {
            groups.iter().map(|g| g.ss).sum::<f64>() / dof
        } else {
            // Every group has a single observation: the total variance.
            let total_ww: f64 = groups.iter().map(|g| g.sww).sum();
            let ss: f64 = groups
                .iter()
                .map(|g| g.ss + g.sw * (g.mean - mu).powi(2))
                .sum();
            let d = total_w - total_ww / total_w;
            if d > 1e-9 { ss / d } else { 0.0 }
        };
        let (tau2, var_mu) = if sigma2 > 0.0 {
            let y: Vec<f64> = groups.iter().map(|g| g.mean).collect();
            let v: Vec<f64> = groups.iter().map(|g| sigma2 / g.n_eff()).collect();
            let tau2 = dersimonian_laird(&y, &v);
            let var_mu = groups
                .iter()
                .zip(&v)
                .map(|(g, v)| g.sw * g.sw * (v + tau2))
                .sum::<f64>()
                / (total_w * total_w);
            (tau2, var_mu)
        } else {
            (0.0, 0.0)
        };
        Some(NormalPrior {
            mu,
            var_mu,
            tau2,
            sigma2,
        })
    }

    /// The shrunk estimate of one group, with interval `± z·se` clipped to
    /// `[lo, hi]`.
    pub(crate) fn shrink(&self, g: &MeanSummary, z: f64, lo: f64, hi: f64) -> Shrunk {
        let n = g.n_eff();
        if self.sigma2 <= 0.0 || n <= 0.0 {
            // No variation at all: nothing to shrink.
            return Shrunk {
                value: g.mean,
                low: g.mean,
                high: g.mean,
                weight: 1.0,
                toward: self.mu,
            };
        }
        let v = self.sigma2 / n;
        let b = if v + self.tau2 > 0.0 {
            v / (v + self.tau2)
        } else {
            1.0
        };
        let value = self.mu + (1.0 - b) * (g.mean - self.mu);
        let var = (1.0 - b) * v + b * b * self.var_mu;
        let half = z * var.max(0.0).sqrt();
        Shrunk {
            value,
            low: (value - half).max(lo),
            high: (value + half).min(hi),
            weight: 1.0 - b,
            toward: self.mu,
        }
    }
}

/// The fitted beta prior of one set of sibling proportions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct BetaPrior {
    pub(crate) p0: f64,
    pub(crate) tau2: f64,
    pub(crate) alpha: f64,
    pub(crate) beta: f64,
}

impl BetaPrior {
    /// Fits the prior to sibling proportions (groups without data are
    /// ignored). `None` with fewer than [`MIN_GROUPS`] groups.
    pub(crate) fn fit(groups: &[Proportion]) -> Option<BetaPrior> {
        let groups: Vec<(f64, f64)> = groups
            .iter()
            .filter(|g| g.sw > 0.0 && g.p.is_finite())
            .map(|g| (g.p, g.n_eff()))
            .collect();
        if groups.len() < MIN_GROUPS {
            return None;
        }
        let total_n: f64 = groups.iter().map(|(_, n)| n).sum();
        let p0 = groups.iter().map(|(p, n)| p * n).sum::<f64>() / total_n;
        let pq = p0 * (1.0 - p0);
        let tau2 = if pq > 0.0 {
            let y: Vec<f64> = groups.iter().map(|(p, _)| *p).collect();
            let v: Vec<f64> = groups.iter().map(|(_, n)| pq / n).collect();
            dersimonian_laird(&y, &v)
        } else {
            0.0
        };
        let strength = if tau2 > 0.0 { pq / tau2 - 1.0 } else { total_n };
        let strength = strength.clamp(1.0, total_n.max(1.0));
        Some(BetaPrior {
            p0,
            tau2,
            alpha: (p0 * strength).max(0.5),
            beta: ((1.0 - p0) * strength).max(0.5),
        })
    }

    /// The posterior mean and equal-tailed interval at `confidence`.
    pub(crate) fn shrink(&self, g: &Proportion, confidence: f64) -> Shrunk {
        let n = g.n_eff();
        let x = if g.p.is_finite() { g.p * n } else { 0.0 };
        let a = self.alpha + x;
        let b = self.beta + (n - x).max(0.0);
        let tail = (1.0 - confidence) / 2.0;
        Shrunk {
            value: a / (a + b),
            low: stats::beta_quantile(tail, a, b),
            high: stats::beta_quantile(1.0 - tail, a, b),
            weight: n / (n + self.alpha + self.beta),
            toward: self.p0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::summary::Levels;
    use super::*;

    fn summary(values: &[u8]) -> MeanSummary {
        let mut h = Levels::new(5);
        for v in values {
            h.add(usize::from(v - 1), 1.0);
        }
        h.summary(|i| i as f64 + 1.0)
    }

    /// Three groups worked by hand.
    ///
    /// A = [5,5,4] (mean 14/3, SS 2/3), B = [3,4] (mean 3.5, SS 0.5),
    /// C = [2,3,3,4] (mean 3, SS 2). σ² = (2/3 + 0.5 + 2) / (2 + 1 + 3) = 19/36,
    /// μ = (14 + 7 + 12) / 9 = 11/3, vⱼ = σ²/nⱼ; Q and τ² are recomputed
    /// below in plain arithmetic.
    #[test]
    fn normal_normal_matches_the_hand_computation() {
        let groups = [
            summary(&[5, 5, 4]),
            summary(&[3, 4]),
            summary(&[2, 3, 3, 4]),
        ];
        let prior = NormalPrior::fit(&groups).unwrap();
        let sigma2 = 19.0 / 36.0;
        assert!((prior.sigma2 - sigma2).abs() < 1e-14);
        assert!((prior.mu - 11.0 / 3.0).abs() < 1e-14);
        let u = [3.0 / sigma2, 2.0 / sigma2, 4.0 / sigma2];
        let y = [14.0 / 3.0, 3.5, 3.0];
        let su: f64 = u.iter().sum();
        let yu = u.iter().zip(&y).map(|(u, y)| u * y).sum::<f64>() / su;
        let q: f64 = u.iter().zip(&y).map(|(u, y)| u * (y - yu).powi(2)).sum();
        let suu: f64 = u.iter().map(|u| u * u).sum();
        let tau2 = ((q - 2.0) / (su - suu / su)).max(0.0);
        assert!(
            (prior.tau2 - tau2).abs() < 1e-12,
            "{} vs {tau2}",
            prior.tau2
        );
        assert!(tau2 > 0.0);
        // Group B (n = 2).
        let v = sigma2 / 2.0;
        let b = v / (v + tau2);
        let want = 11.0 / 3.0 + (1.0 - b) * (3.5 - 11.0 / 3.0);
        let s = prior.shrink(&groups[1], 1.959963984540054, 1.0, 5.0);
        assert!((s.value - want).abs() < 1e-12);
        assert!((s.weight - (1.0 - b)).abs() < 1e-12);
        // The small group moves toward μ, and its interval is narrower than
        // the raw t interval.
        assert!(s.value > 3.5 && s.value < 11.0 / 3.0);
        assert!(s.high - s.low < 2.0 * 12.706 * (0.5f64).sqrt() / 2f64.sqrt());
    }

    #[test]
    fn fewer_than_three_groups_are_not_shrunk() {
        let groups = [summary(&[5, 5, 4]), summary(&[3, 4])];
        assert!(NormalPrior::fit(&groups).is_none());
        assert!(BetaPrior::fit(&[Proportion::counted(2, 3), Proportion::counted(1, 2)]).is_none());
    }

    #[test]
    fn identical_groups_shrink_fully() {
        let groups = [summary(&[4, 5]), summary(&[4, 5]), summary(&[5, 4])];
        let prior = NormalPrior::fit(&groups).unwrap();
        assert_eq!(prior.tau2, 0.0);
        let s = prior.shrink(&groups[0], 1.96, 1.0, 5.0);
        assert!((s.value - 4.5).abs() < 1e-14);
        assert_eq!(s.weight, 0.0);
    }

    #[test]
    fn beta_binomial_posterior_is_conjugate() {
        let groups = [
            Proportion::counted(9, 10),
            Proportion::counted(2, 10),
            Proportion::counted(5, 10),
            Proportion::counted(1, 2),
        ];
        let prior = BetaPrior::fit(&groups).unwrap();
        assert!((prior.p0 - 17.0 / 32.0).abs() < 1e-14);
        let m = prior.alpha + prior.beta;
        let s = prior.shrink(&groups[3], 0.95);
        assert!((s.value - (prior.alpha + 1.0) / (m + 2.0)).abs() < 1e-14);
        assert!(s.low < s.value && s.value < s.high);
        let lo = stats::beta_quantile(0.025, prior.alpha + 1.0, prior.beta + 1.0);
        assert!((s.low - lo).abs() < 1e-14);
    }
}
