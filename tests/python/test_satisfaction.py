"""Satisfaction scoring from Python, checked against independent NumPy/SciPy
computations: intervals, shrinkage on small groups, CSAT and NPS, the
suppression rule, incremental = batch, data frames in and out, no personal
data out, and the real survey data in ../shared/data.
"""

from __future__ import annotations

import json
import pathlib
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np
import pandas as pd
import polars as pl
import pytest
from scipy import stats

import steward
from repo import ROOT
from steward import satisfaction

AS_OF = "2022-12-31T00:00:00+08:00"
AT = "2022-12-05T10:00:00+08:00"
Z = stats.norm.ppf(0.975)
SHARED = ROOT.parent / "shared" / "data"


def small_rows() -> List[Dict[str, Any]]:
    """B1: 5, 4, 4; B2: 3, 2; B3: 4, 4, 5, 1 (overall); recommend and one dimension."""
    spec = [
        ("B1", 5, 10, 5),
        ("B1", 4, 9, 4),
        ("B1", 4, 6, 3),
        ("B2", 3, 7, None),
        ("B2", 2, 3, None),
        ("B3", 4, 8, None),
        ("B3", 4, 10, None),
        ("B3", 5, 10, None),
        ("B3", 1, 0, None),
    ]
    return [
        {"at": AT, "building": b, "overall": o, "recommend": r, "scores.customer_service": cs}
        for b, o, r, cs in spec
    ]


SMALL = dict(
    dimensions=[{"id": "customer_service", "weight": 1}],
    no_decay=True,
    anonymity_threshold=2,
    groupings=["building"],
)


def t_interval(x: np.ndarray, lo: float, hi: float) -> Tuple[float, float]:
    m, se = x.mean(), x.std(ddof=1) / np.sqrt(len(x))
    half = stats.t.ppf(0.975, len(x) - 1) * se
    return max(m - half, lo), min(m + half, hi)


def wilson(p: float, n: float) -> Tuple[float, float]:
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z / (1 + Z**2 / n) * np.sqrt(p * (1 - p) / n + Z**2 / (4 * n * n))
    return max(centre - half, 0.0), min(centre + half, 1.0)


def dersimonian_laird(y: np.ndarray, v: np.ndarray) -> float:
    u = 1 / v
    yu = (u * y).sum() / u.sum()
    q = (u * (y - yu) ** 2).sum()
    return float(max(0.0, (q - (len(y) - 1)) / (u.sum() - (u**2).sum() / u.sum())))


def normal_eb(groups: Sequence[np.ndarray], lo: float, hi: float) -> List[Tuple[float, float, float, float]]:
    """Independent normal–normal EB: (value, low, high, weight) per group."""
    n = np.array([len(g) for g in groups], dtype=float)
    y = np.array([g.mean() for g in groups])
    sigma2 = sum(((g - g.mean()) ** 2).sum() for g in groups) / (n - 1).sum()
    v = sigma2 / n
    tau2 = dersimonian_laird(y, v)
    mu = (n * y).sum() / n.sum()
    var_mu = (n**2 * (v + tau2)).sum() / n.sum() ** 2
    out = []
    for yj, vj in zip(y, v):
        b = vj / (vj + tau2)
        val = mu + (1 - b) * (yj - mu)
        half = Z * np.sqrt((1 - b) * vj + b * b * var_mu)
        out.append((val, max(val - half, lo), min(val + half, hi), 1 - b))
    return out


def beta_eb(x: np.ndarray, n: np.ndarray) -> List[Tuple[float, float, float]]:
    """Independent beta–binomial EB (method of moments): (value, low, high)."""
    p = x / n
    p0 = x.sum() / n.sum()
    tau2 = dersimonian_laird(p, p0 * (1 - p0) / n)
    m = p0 * (1 - p0) / tau2 - 1 if tau2 > 0 else n.sum()
    m = min(max(m, 1.0), n.sum())
    a, b = max(p0 * m, 0.5), max((1 - p0) * m, 0.5)
    return [
        ((a + xi) / (a + b + ni), stats.beta.ppf(0.025, a + xi, b + ni - xi), stats.beta.ppf(0.975, a + xi, b + ni - xi))
        for xi, ni in zip(x, n)
    ]


def test_small_groups_match_numpy_and_scipy() -> None:
    r = satisfaction.score(responses=small_rows(), as_of=AS_OF, **SMALL)  # type: ignore[arg-type]
    data = {
        "B1": np.array([5.0, 4, 4]),
        "B2": np.array([3.0, 2]),
        "B3": np.array([4.0, 4, 5, 1]),
    }
    eb = normal_eb(list(data.values()), 1, 5)
    csat = beta_eb(np.array([(g >= 4).sum() for g in data.values()], dtype=float), np.array([len(g) for g in data.values()], dtype=float))
    for (b, x), (val, lo, hi, w), (cv, cl, ch) in zip(data.items(), eb, csat):
        g = r.group(building=b)
        assert g is not None and g.satisfaction is not None and g.satisfaction.overall is not None
        m = g.satisfaction.overall.mean
        assert m.value == pytest.approx(x.mean(), abs=1e-6)
        tl, th = t_interval(x, 1, 5)
        assert m.ci_low == pytest.approx(tl, abs=1e-6)
        assert m.ci_high == pytest.approx(th, abs=1e-6)
        assert m.shrunk is not None
        assert (m.shrunk.value, m.shrunk.ci_low, m.shrunk.ci_high, m.shrunk.weight) == pytest.approx((val, lo, hi, w), abs=1e-6)
        c = g.satisfaction.overall.csat
        p = (x >= 4).mean()
        assert c.value == pytest.approx(p, abs=1e-6)
        assert (c.ci_low, c.ci_high) == pytest.approx(wilson(p, len(x)), abs=1e-6)
        assert c.shrunk is not None
        assert (c.shrunk.value, c.shrunk.ci_low, c.shrunk.ci_high) == pytest.approx((cv, cl, ch), abs=1e-6)
    # Small groups are pulled toward the estate mean, more the smaller they are.
    whole = r.group()
    assert whole is not None and whole.satisfaction is not None and whole.satisfaction.overall is not None
    mu = whole.satisfaction.overall.mean.value
    b2 = r.group(building="B2")
    assert b2 is not None and b2.satisfaction is not None and b2.satisfaction.overall is not None
    s2 = b2.satisfaction.overall.mean
    assert s2.shrunk is not None and s2.value < s2.shrunk.value < mu


def test_nps_and_index_match_numpy() -> None:
    r = satisfaction.score(responses=small_rows(), as_of=AS_OF, **SMALL)  # type: ignore[arg-type]
    rec = np.array([10, 9, 6, 7, 3, 8, 10, 10, 0])
    v = np.where(rec >= 9, 100.0, np.where(rec <= 6, -100.0, 0.0))
    whole = r.group()
    assert whole is not None and whole.satisfaction is not None
    nps = whole.satisfaction.nps
    assert nps is not None
    assert nps.value == pytest.approx(v.mean(), abs=1e-6)
    half = Z * v.std(ddof=0) / np.sqrt(len(v))
    assert (nps.ci_low, nps.ci_high) == pytest.approx((v.mean() - half, v.mean() + half), abs=1e-6)
    index = np.array([100, 75, 50, 50, 25, 75, 75, 100, 0], dtype=float)
    ix = whole.satisfaction.index
    assert ix is not None
    assert ix.value == pytest.approx(index.mean(), abs=1e-6)
    assert (ix.ci_low, ix.ci_high) == pytest.approx(t_interval(index, 0, 100), abs=1e-6)


def sibling_suppression(n: np.ndarray, k: int) -> np.ndarray:
    """Independent statement of the rule for one grouping under a total:
    0 published, 1 fewer than k, 2 complementary."""
    status = np.where(n < k, 1, 0)
    status[n == 0] = 3
    while True:
        published = status == 0
        rest = n.sum() - n[published].sum()
        if not (0 < rest < k) or not published.any():
            return status
        candidates = np.where(published)[0]
        status[candidates[np.argmin(n[candidates])]] = 2


def test_columns_match_numpy_on_random_groups() -> None:
    rng = np.random.default_rng(7)
    sizes = np.concatenate([rng.integers(1, 12, 20), rng.integers(50, 400, 40)])
    groups = np.repeat(np.arange(len(sizes), dtype=np.uint32), sizes)
    bias = rng.normal(0, 0.4, len(sizes))
    scores = np.clip(np.round(3.8 + bias[groups] + rng.normal(0, 1, len(groups))), 1, 5).astype(np.uint8)
    perm = rng.permutation(len(groups))
    groups, scores = groups[perm], scores[perm]
    out = satisfaction.score_columns(groups, scores)
    n = np.bincount(groups, minlength=len(sizes))
    expect = sibling_suppression(n, 5)
    assert list(out.status) == list(expect)
    assert (expect == 1).sum() > 0  # some groups are below the threshold
    pub = expect == 0
    df = pd.DataFrame({"g": groups, "s": scores.astype(float)})
    means = df.groupby("g")["s"].mean().to_numpy()
    np.testing.assert_allclose(out.mean[pub], means[pub], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(out.n[pub], n[pub])
    assert np.all(out.n[~pub] == 0) and np.all(np.isnan(out.mean[~pub]))
    # intervals
    per = [scores[groups == g].astype(float) for g in range(len(sizes))]
    for g in np.where(pub)[0]:
        assert (out.mean_low[g], out.mean_high[g]) == pytest.approx(t_interval(per[g], 1, 5), abs=1e-9)
        p = (per[g] >= 4).mean()
        assert (out.csat_low[g], out.csat_high[g]) == pytest.approx(wilson(p, len(per[g])), abs=1e-9)
    # shrinkage toward the total, fitted on all groups (suppressed ones too)
    eb = normal_eb(per, 1, 5)
    ceb = beta_eb(np.array([(x >= 4).sum() for x in per], dtype=float), n.astype(float))
    for g in np.where(pub)[0]:
        assert (out.mean_shrunk[g], out.mean_shrunk_low[g], out.mean_shrunk_high[g], out.shrink_weight[g]) == pytest.approx(eb[g], abs=1e-9)
        assert (out.csat_shrunk[g], out.csat_shrunk_low[g], out.csat_shrunk_high[g]) == pytest.approx(ceb[g], abs=1e-9)
        # the index is the mean mapped to 0–100
        assert out.index[g] == pytest.approx((means[g] - 1) * 25, abs=1e-9)


@pytest.mark.parametrize("sizes", [[10, 7, 3], [10, 6, 3], [20, 1, 1, 1], [4, 4], [30, 5, 5, 4, 1]])
def test_suppression_rule_matches_its_statement(sizes: List[int]) -> None:
    groups = np.repeat(np.arange(len(sizes), dtype=np.uint32), sizes)
    scores = np.full(len(groups), 4, dtype=np.uint8)
    out = satisfaction.score_columns(groups, scores)
    assert list(out.status) == list(sibling_suppression(np.array(sizes), 5))
    # Whatever is published, total − published is 0 or at least 5.
    rest = sum(sizes) - int(out.n.sum())
    assert rest == 0 or rest >= 5


def test_demo_suppresses_building_9_and_its_complement() -> None:
    r = satisfaction.score(steward.demo_estate(), as_of="2022-12-14T10:00:00+08:00", groupings=["building"], sources="survey")
    b9 = r.group(building="B9")
    assert b9 is not None and b9.status == "suppressed" and b9.suppression_rule == "min_respondents"
    assert b9.satisfaction is None
    rules = [g.suppression_rule for g in r.groups if g.grouping == ("building",)]
    assert rules.count("complementary") == 1
    whole = r.group()
    assert whole is not None and whole.satisfaction is not None
    published = sum(g.satisfaction.n for g in r.groups if g.grouping == ("building",) and g.satisfaction)
    rest = whole.satisfaction.n - published
    assert rest == 0 or rest >= 5


def test_incremental_equals_batch() -> None:
    estate = steward.demo_estate()
    rows = small_rows() * 3
    cfg = {"groupings": [{"by": ["building"]}, {"by": ["building", "period"]}]}
    batch = satisfaction.score(estate, rows, as_of="2022-12-14T10:00:00+08:00", config=cfg)
    acc = satisfaction.Accumulator(as_of="2022-12-14T10:00:00+08:00", estate=estate, config=cfg)
    for row in reversed(rows):
        acc.add(row)
    assert acc.responses == batch.responses
    assert acc.result().to_json() == batch.to_json()
    # A rejected batch adds nothing.
    with pytest.raises(steward.InvalidInputError):
        acc.add([{"at": AT, "overall": 3}, {"at": AT, "overall": 42}])
    assert acc.result().to_json() == batch.to_json()


def test_data_frames_in_and_out_and_no_personal_data() -> None:
    rows = small_rows()
    for i, r in enumerate(rows):
        r["comment"] = f"PLANTED comment, call 1399999{i:04d}"
        r["respondent"] = f"Planted Name {i}"
        r["household"] = "B1-0101"
        r["id"] = f"SECRET-{i}"
    frame = pd.DataFrame(rows)
    frame["at"] = pd.to_datetime(frame["at"])
    from_pandas = satisfaction.score(responses=frame, as_of=AS_OF, **SMALL)  # type: ignore[arg-type]
    from_polars = satisfaction.score(responses=pl.DataFrame(rows), as_of=AS_OF, **SMALL)  # type: ignore[arg-type]
    from_dicts = satisfaction.score(responses=rows, as_of=AS_OF, **SMALL)  # type: ignore[arg-type]
    assert from_pandas.to_json() == from_dicts.to_json() == from_polars.to_json()
    text = from_dicts.to_json() + repr(from_dicts) + from_dicts.to_pandas().to_csv()
    for needle in ("PLANTED", "1399999", "Planted", "B1-0101", "SECRET"):
        assert needle not in text
    df = from_dicts.to_pandas()
    assert pd.isna(df["building"][0]) and list(df["building"][1:]) == ["B1", "B2", "B3"]
    assert df.loc[1, "mean"] == pytest.approx(13 / 3, abs=1e-6)
    dims = from_dicts.to_polars(dimensions=True)
    assert dims.filter(pl.col("building") == "B1")["dimension"].to_list() == ["customer_service"]
    # The estate's own personal data never comes out either.
    estate = steward.demo_estate()
    out = satisfaction.score(estate, as_of="2022-12-14T10:00:00+08:00").to_json()
    for person in estate.residents[:200]:
        assert str(person.name) not in out
        if person.phone:
            assert str(person.phone) not in out


def test_bad_input_is_named() -> None:
    with pytest.raises(steward.InvalidInputError) as e:
        satisfaction.score(responses=[{"at": AT, "overall": 42}], as_of=AS_OF)
    assert e.value.issues[0]["path"] == "responses[0].overall"
    assert e.value.issues[0]["message"] == "expected a whole number from 1 to 5, found 42"
    with pytest.raises(steward.InvalidInputError) as e:
        satisfaction.score(responses=[{"at": AT, "colour": "blue"}], as_of=AS_OF)
    assert e.value.issues[0]["path"] == "responses[0].colour"
    with pytest.raises(steward.InvalidInputError) as e:
        satisfaction.score(responses=[], as_of=AS_OF, anonymity_threshold=0)
    assert e.value.issues[0]["path"] == "config.anonymity_threshold"
    with pytest.raises(ValueError, match="aware datetime"):
        satisfaction.score(responses=[{"at": pd.Timestamp("2022-12-01"), "overall": 3}], as_of=AS_OF)
    with pytest.raises(steward.InvalidInputError) as e:
        satisfaction.score_columns(np.array([0, 1], dtype=np.uint32), np.array([3, 9], dtype=np.uint8))
    assert e.value.issues[0]["path"] == "scores[1]"
    with pytest.raises(TypeError, match="expected integers"):
        satisfaction.score_columns(np.array([0.5]), np.array([3], dtype=np.uint8))


def test_columns_with_decay_match_numpy() -> None:
    rng = np.random.default_rng(3)
    groups = rng.integers(0, 6, 3000).astype(np.uint32)
    scores = rng.integers(1, 6, 3000).astype(np.uint8)
    as_of = np.datetime64("2023-01-01T00:00:00")
    at = as_of - rng.integers(0, 720, 3000).astype("timedelta64[D]")
    out = satisfaction.score_columns(groups, scores, at=at, as_of="2023-01-01T00:00:00+00:00", half_life_days=180)
    age = (as_of - at).astype("timedelta64[s]").astype(float) / 86400
    w = 0.5 ** (age / 180)
    for g in range(6):
        m = groups == g
        wm = (w[m] * scores[m]).sum() / w[m].sum()
        assert out.mean[g] == pytest.approx(wm, abs=1e-12)
        assert out.n_effective[g] == pytest.approx(w[m].sum() ** 2 / (w[m] ** 2).sum(), abs=1e-9)


# --------------------------------------------------------------- real data


def somerville() -> pd.DataFrame:
    path = SHARED / "somerville-happiness-survey" / "Somerville_Happiness_Survey_responses_-_2011__2013__2015.csv"
    if not path.is_file():
        pytest.fail(f"{path} is missing: the shared real data must be next to the repository")
    return pd.read_csv(path, low_memory=False)


SOMERVILLE_DIMS = {
    "housing_cost": ["The.availability.of.affordable.housing_2011", "How.would.you.rate.the.following..The.cost.of.housing."],
    "schools": [
        "How.would.you.rate.the.following..The.overall.quality.of.public.schools.in.your.community._2011",
        "How.would.you.rate.the.following..The.overall.quality.of.public.schools.",
    ],
    "beauty_setting": [
        "How.would.you.rate.the.following..The.beauty.or.physical.setting_2011",
        "How.would.you.rate.the.following..The.beauty.or.physical.setting.of.Somerville_2013",
    ],
    "police": [
        "How.would.you.rate.the.following..The.effectiveness.of.the.local.police_2011_2013",
        "How.would.you.rate.the.following..Your.trust.in.the.local.police_2015",
    ],
}
OVERALL = "How.satisfied.are.you.with.Somerville.as.a.place.to.live."


def test_somerville_drivers_match_numpy() -> None:
    raw = somerville()
    frame = pd.DataFrame(
        {
            "at": pd.to_datetime(raw["Year"].astype(str) + "-07-01T12:00:00-05:00"),
            "overall": raw[OVERALL],
            "building": raw["Ward"].map(lambda w: None if pd.isna(w) else f"W{int(w)}"),
            **{f"scores.{d}": raw[cols[0]].fillna(raw[cols[1]]) for d, cols in SOMERVILLE_DIMS.items()},
        }
    )
    dims = [{"id": d, "scale": {"min": 1, "max": 5}} for d in SOMERVILLE_DIMS]
    r = satisfaction.score(
        responses=frame,
        as_of="2015-12-31T00:00:00-05:00",
        config={"overall_scale": {"min": 1, "max": 10}},
        dimensions=dims,
        no_decay=True,
        period="year",
        groupings=["building"],
        invalid_scores="exclude",
    )
    # Exclusions, counted independently: non-integers and values off the scale.
    def bad(s: pd.Series, lo: int, hi: int) -> int:
        s = s.dropna()
        return int(((s % 1 != 0) | (s < lo) | (s > hi)).sum())

    excluded = {field: count for _, field, count in r.excluded}
    assert excluded["overall"] == bad(frame["overall"], 1, 10) == 49
    for d in SOMERVILLE_DIMS:
        assert excluded.get(f"scores.{d}", 0) == bad(frame[f"scores.{d}"], 1, 5)
    # Clean data, as the engine sees it.
    clean = frame.copy()
    clean.loc[(clean["overall"] % 1 != 0) | (clean["overall"] > 10), "overall"] = np.nan
    for d in SOMERVILLE_DIMS:
        c = f"scores.{d}"
        clean.loc[(clean[c] % 1 != 0) | (clean[c] > 5) | (clean[c] < 1), c] = np.nan
    # Ward means against pandas.
    wards = clean.dropna(subset=["building", "overall"]).groupby("building")["overall"].agg(["mean", "count"])
    for ward, row in wards.iterrows():
        g = r.group(building=str(ward))
        assert g is not None and g.satisfaction is not None and g.satisfaction.overall is not None
        assert g.satisfaction.overall.mean.value == pytest.approx(row["mean"], abs=1e-6)
        assert g.satisfaction.overall.n == row["count"]
    # Drivers: pairwise correlations and standardised OLS on complete cases.
    model = r.dimension_drivers
    assert model is not None
    cols = [f"scores.{d}" for d in SOMERVILLE_DIMS]
    cc = clean.dropna(subset=cols + ["overall"])
    assert model.n == len(cc)
    zx = (cc[cols] - cc[cols].mean()) / cc[cols].std()
    zy = (cc["overall"] - cc["overall"].mean()) / cc["overall"].std()
    beta, *_ = np.linalg.lstsq(zx.to_numpy(), zy.to_numpy(), rcond=None)
    for d, b in zip(SOMERVILLE_DIMS, beta):
        drv = next(x for x in model.drivers if x.driver == d)
        assert drv.beta == pytest.approx(b, abs=1e-6)
        pair = clean.dropna(subset=[f"scores.{d}", "overall"])
        rho, _ = stats.pearsonr(pair[f"scores.{d}"], pair["overall"])
        assert drv.correlation.value == pytest.approx(rho, abs=1e-6)
        assert drv.correlation.n == len(pair)
    assert model.r_squared == pytest.approx(1 - ((zy - zx.to_numpy() @ beta) ** 2).sum() / (zy**2).sum(), abs=1e-6)
    assert [d.driver for d in model.drivers][0] == "beauty_setting"


def test_copenhagen_types_match_pandas() -> None:
    path = SHARED / "copenhagen-housing-satisfaction" / "housing.csv"
    if not path.is_file():
        pytest.fail(f"{path} is missing: the shared real data must be next to the repository")
    table = pd.read_csv(path)
    level = {"Low": 1, "Medium": 2, "High": 3}
    rows = table.loc[table.index.repeat(table["Freq"])]
    frame = pd.DataFrame(
        {
            "at": "1976-01-01T12:00:00+01:00",
            "building": rows["Type"].to_numpy(),
            "overall": rows["Sat"].map(level).to_numpy(),
            "scores.influence": rows["Infl"].map(level).to_numpy(),
        }
    )
    r = satisfaction.score(
        responses=frame,
        as_of="1977-01-01T00:00:00+01:00",
        config={"overall_scale": {"min": 1, "max": 3}, "top_box": 1},
        dimensions=[{"id": "influence", "scale": {"min": 1, "max": 3}}],
        no_decay=True,
        groupings=["building"],
    )
    high = frame.assign(high=frame["overall"] == 3).groupby("building")["high"].agg(["mean", "count"])
    for t, row in high.iterrows():
        g = r.group(building=str(t))
        assert g is not None and g.satisfaction is not None and g.satisfaction.overall is not None
        c = g.satisfaction.overall.csat
        assert c.value == pytest.approx(row["mean"], abs=1e-6)
        assert (c.ci_low, c.ci_high) == pytest.approx(wilson(row["mean"], row["count"]), abs=1e-6)
    assert high["mean"].idxmax() == "Tower" and high["mean"].idxmin() == "Terrace"
