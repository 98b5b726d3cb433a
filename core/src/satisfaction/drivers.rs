//! Derived importance: which drivers move an outcome most.
//!
//! Two statistics per driver, both from running sums so that they update
//! with each response:
//!
//! - the Pearson correlation `r` with the outcome over the responses that
//!   have both (pairwise complete), with a Fisher z interval;
//! - the standardised coefficient `β` of the ordinary least-squares
//!   regression of the outcome on all drivers together (complete cases),
//!   `β = R⁻¹ r_xy` with `R` the drivers' correlation matrix, `R² = βᵀ r_xy`,
//!   `se(βⱼ) = √((1 − R²)/(n − p − 1) · (R⁻¹)ⱼⱼ)` and a two-sided t test.
//!
//! Drivers are ranked by `|β|` (by `|r|` when the regression cannot be
//! fitted). A driver that is constant among the complete cases is left out
//! and named. For yes/no drivers (late arrival, reopened) the mean outcome
//! with and without is reported too — but only when both classes have at
//! least `k` responses; otherwise the driver is left out entirely, because
//! its correlation and the overall mean would reveal the few.

use super::result::{
    Cell, Driver, DriverKind, DriverModel, Estimate, LeftOut, Method, Suppression,
};
use super::stats;

/// Sums of one (driver, outcome) pair over responses that have both.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct PairSums {
    pub(crate) n: u64,
    pub(crate) sx: f64,
    pub(crate) sy: f64,
    pub(crate) sxx: f64,
    pub(crate) syy: f64,
    pub(crate) sxy: f64,
    /// `Σ x y²`: with a 0/1 driver, the outcome's sum of squares where x = 1.
    pub(crate) sxyy: f64,
}

impl PairSums {
    fn add(&mut self, x: f64, y: f64) {
        self.n += 1;
        self.sx += x;
        self.sy += y;
        self.sxx += x * x;
        self.syy += y * y;
        self.sxy += x * y;
        self.sxyy += x * y * y;
    }

    fn r(&self) -> Option<f64> {
        let n = self.n as f64;
        let cxx = n * self.sxx - self.sx * self.sx;
        let cyy = n * self.syy - self.sy * self.sy;
        let cxy = n * self.sxy - self.sx * self.sy;
        (cxx > 0.0 && cyy > 0.0).then(|| (cxy / (cxx * cyy).sqrt()).clamp(-1.0, 1.0))
    }
}

/// Running sums for one driver model: pairwise sums per driver and the
/// cross-product matrix of (drivers…, outcome) over complete cases.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DriverSums {
    pub(crate) names: Vec<String>,
    pub(crate) binary: bool,
    pub(crate) pairs: Vec<PairSums>,
    pub(crate) n: u64,
    pub(crate) s: Vec<f64>,
    pub(crate) ss: Vec<f64>,
}

impl DriverSums {
    pub(crate) fn new(names: Vec<String>, binary: bool) -> DriverSums {
        let p = names.len() + 1;
        DriverSums {
            pairs: vec![PairSums::default(); names.len()],
            names,
            binary,
            n: 0,
            s: vec![0.0; p],
            ss: vec![0.0; p * p],
        }
    }

    /// Adds one response: driver values (`None` = not answered) and the outcome.
    pub(crate) fn add(&mut self, x: &[Option<f64>], y: f64) {
        for (p, v) in self.pairs.iter_mut().zip(x) {
            if let Some(v) = v {
                p.add(*v, y);
            }
        }
        if x.len() == self.names.len() && x.iter().all(Option::is_some) {
            let p = self.s.len();
            let z: Vec<f64> = x.iter().flatten().copied().chain([y]).collect();
            self.n += 1;
            for (i, zi) in z.iter().enumerate() {
                if let Some(s) = self.s.get_mut(i) {
                    *s += zi;
                }
                for (j, zj) in z.iter().enumerate() {
                    if let Some(c) = self.ss.get_mut(i * p + j) {
                        *c += zi * zj;
                    }
                }
            }
        }
    }

    /// Fits the model. `k` is the anonymity threshold, `z` the normal
    /// quantile of the confidence level.
    pub(crate) fn fit(
        &self,
        outcome: &'static str,
        kind: DriverKind,
        k: u64,
        z: f64,
    ) -> Option<Cell<DriverModel>> {
        let any = self.pairs.iter().map(|p| p.n).max().unwrap_or(0);
        if any == 0 {
            return None;
        }
        if any < k {
            return Some(Cell::Suppressed(Suppression {
                rule: "min_respondents",
                message: format!(
                    "fewer than {k} responses have both an {outcome} score and a driver"
                ),
            }));
        }
        let mut left_out = Vec::new();
        let mut usable = Vec::new();
        for (i, (name, p)) in self.names.iter().zip(&self.pairs).enumerate() {
            if self.binary {
                let ones = p.sx.round() as u64;
                let zeros = p.n.saturating_sub(ones);
                if ones < k || zeros < k {
                    left_out.push(LeftOut {
                        driver: name.clone(),
                        reason: format!(
                            "fewer than {k} rated orders on one side (with or without it); left out to protect them"
                        ),
                    });
                    continue;
                }
            } else if p.n < k {
                left_out.push(LeftOut {
                    driver: name.clone(),
                    reason: format!("fewer than {k} responses answer it together with {outcome}"),
                });
                continue;
            }
            if p.r().is_none() {
                left_out.push(LeftOut {
                    driver: name.clone(),
                    reason: "it (or the outcome) does not vary".to_owned(),
                });
                continue;
            }
            usable.push(i);
        }
        let fit = self.regression(&usable);
        let mut drivers: Vec<Driver> = usable
            .iter()
            .enumerate()
            .filter_map(|(j, &i)| {
                let p = self.pairs.get(i)?;
                let r = p.r()?;
                let n = p.n as f64;
                let (ci_low, ci_high) = match stats::fisher_interval(r, n, z) {
                    Some((lo, hi)) => (Some(lo), Some(hi)),
                    None => (None, None),
                };
                let (mean_with, mean_without) = if self.binary {
                    let ones = p.sx;
                    let zeros = n - ones;
                    (
                        (ones > 0.0).then(|| p.sxy / ones),
                        (zeros > 0.0).then(|| (p.sy - p.sxy) / zeros),
                    )
                } else {
                    (None, None)
                };
                let coef = fit.as_ref().and_then(|f| f.coefs.get(j).copied());
                Some(Driver {
                    driver: self.names.get(i)?.clone(),
                    kind,
                    rank: 0,
                    correlation: Estimate {
                        value: r,
                        n: p.n,
                        n_effective: n,
                        ci_low,
                        ci_high,
                        method: Method::FisherZ,
                        shrunk: None,
                    },
                    beta: coef.map(|c| c.0),
                    beta_se: coef.map(|c| c.1),
                    p_value: coef.map(|c| c.2),
                    mean_with,
                    mean_without,
                })
            })
            .collect();
        drivers.sort_by(|a, b| {
            let key = |d: &Driver| d.beta.unwrap_or(d.correlation.value).abs();
            key(b)
                .total_cmp(&key(a))
                .then_with(|| a.driver.cmp(&b.driver))
        });
        for (i, d) in drivers.iter_mut().enumerate() {
            d.rank = i + 1;
        }
        Some(Cell::Published(DriverModel {
            outcome,
            n: self.n,
            r_squared: fit.as_ref().map(|f| f.r_squared),
            method: Method::StandardisedOls,
            drivers,
            left_out,
        }))
    }

    /// The standardised regression on the drivers `use_` (indices), over
    /// complete cases. `None` if it cannot be fitted.
    fn regression(&self, use_: &[usize]) -> Option<Fit> {
        let p = use_.len();
        let n = self.n as f64;
        if p == 0 || n < (p + 2) as f64 {
            return None;
        }
        let width = self.s.len();
        let y = width - 1;
        let cov = |i: usize, j: usize| -> f64 {
            let sij = self.ss.get(i * width + j).copied().unwrap_or(0.0);
            let si = self.s.get(i).copied().unwrap_or(0.0);
            let sj = self.s.get(j).copied().unwrap_or(0.0);
            sij - si * sj / n
        };
        let sd = |i: usize| cov(i, i).max(0.0).sqrt();
        if sd(y) <= 0.0 || use_.iter().any(|&i| sd(i) <= 0.0) {
            return None;
        }
        let corr = |i: usize, j: usize| cov(i, j) / (sd(i) * sd(j));
        let mut r = vec![0.0; p * p];
        for (a, &i) in use_.iter().enumerate() {
            for (b, &j) in use_.iter().enumerate() {
                if let Some(c) = r.get_mut(a * p + b) {
                    *c = corr(i, j);
                }
            }
        }
        let rxy: Vec<f64> = use_.iter().map(|&i| corr(i, y)).collect();
        let inv = invert(&r, p)?;
        let beta: Vec<f64> = (0..p)
            .map(|a| {
                (0..p)
                    .map(|b| {
                        inv.get(a * p + b).copied().unwrap_or(0.0)
                            * rxy.get(b).copied().unwrap_or(0.0)
                    })
                    .sum()
            })
            .collect();
        let r2: f64 = beta.iter().zip(&rxy).map(|(b, r)| b * r).sum();
        let r2 = r2.clamp(0.0, 1.0);
        let df = n - p as f64 - 1.0;
        let coefs = beta
            .iter()
            .enumerate()
            .map(|(a, &b)| {
                let se = ((1.0 - r2) / df * inv.get(a * p + a).copied().unwrap_or(0.0))
                    .max(0.0)
                    .sqrt();
                let p_value = if se > 0.0 {
                    stats::t_p_value(b / se, df)
                } else {
                    0.0
                };
                (b, se, p_value)
            })
            .collect();
        Some(Fit {
            coefs,
            r_squared: r2,
        })
    }
}

struct Fit {
    coefs: Vec<(f64, f64, f64)>,
    r_squared: f64,
}

/// Inverts a `p × p` matrix by Gauss–Jordan elimination with partial
/// pivoting; `None` if it is (numerically) singular.
pub(crate) fn invert(m: &[f64], p: usize) -> Option<Vec<f64>> {
    let w = 2 * p;
    let mut a = vec![0.0; p * w];
    for i in 0..p {
        for j in 0..p {
            *a.get_mut(i * w + j)? = *m.get(i * p + j)?;
        }
        *a.get_mut(i * w + p + i)? = 1.0;
    }
    for col in 0..p {
        let pivot = (col..p).max_by(|&x, &y| {
            let vx = a.get(x * w + col).copied().unwrap_or(0.0).abs();
            let vy = a.get(y * w + col).copied().unwrap_or(0.0).abs();
            vx.total_cmp(&vy)
        })?;
        let pv = a.get(pivot * w + col).copied()?;
        if pv.abs() < 1e-10 {
            return None;
        }
        if pivot != col {
            for j in 0..w {
                a.swap(pivot * w + j, col * w + j);
            }
        }
        for j in 0..w {
            *a.get_mut(col * w + j)? /= pv;
        }
        for row in 0..p {
            if row == col {
                continue;
            }
            let f = a.get(row * w + col).copied()?;
            if f != 0.0 {
                for j in 0..w {
                    let v = a.get(col * w + j).copied()?;
                    *a.get_mut(row * w + j)? -= f * v;
                }
            }
        }
    }
    let mut out = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..p {
            *out.get_mut(i * p + j)? = *a.get(i * w + p + j)?;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_of_a_known_matrix() {
        let m = [4.0, 7.0, 2.0, 6.0];
        let inv = invert(&m, 2).unwrap();
        let want = [0.6, -0.7, -0.2, 0.4];
        for (a, b) in inv.iter().zip(want) {
            assert!((a - b).abs() < 1e-14);
        }
        assert!(invert(&[1.0, 2.0, 2.0, 4.0], 2).is_none());
    }

    /// y = 2·x1 + 0·x2 + noise-free: β for x1 is its correlation scaled, R² = 1.
    #[test]
    fn regression_recovers_an_exact_relation() {
        let mut d = DriverSums::new(vec!["a".into(), "b".into()], false);
        let xs = [
            (1.0, 3.0),
            (2.0, 1.0),
            (3.0, 4.0),
            (4.0, 1.0),
            (5.0, 5.0),
            (2.0, 2.0),
        ];
        for (a, b) in xs {
            d.add(&[Some(a), Some(b)], 2.0 * a + 1.0);
        }
        let model = d.fit("overall", DriverKind::Dimension, 5, 1.96).unwrap();
        let Cell::Published(m) = model else {
            panic!("suppressed")
        };
        assert_eq!(m.n, 6);
        assert!((m.r_squared.unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(m.drivers[0].driver, "a");
        assert!((m.drivers[0].beta.unwrap() - 1.0).abs() < 1e-12);
        assert!(m.drivers[1].beta.unwrap().abs() < 1e-12);
        assert!((m.drivers[0].correlation.value - 1.0).abs() < 1e-12);
    }

    #[test]
    fn small_binary_classes_are_left_out() {
        let mut d = DriverSums::new(vec!["reopened".into()], true);
        for i in 0..20 {
            d.add(
                &[Some(if i < 3 { 1.0 } else { 0.0 })],
                4.0 + f64::from(i % 2),
            );
        }
        let Some(Cell::Published(m)) = d.fit("rating", DriverKind::ServiceOutcome, 5, 1.96) else {
            panic!()
        };
        assert!(m.drivers.is_empty());
        assert_eq!(m.left_out[0].driver, "reopened");
    }
}
