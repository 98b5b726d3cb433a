//! The dispatch documents: requests and responses as JSON, the same from
//! Rust, C and Python.
//!
//! Every request carries `"schema": "steward.dispatch.<verb>.request.v1"`,
//! the estate document it is about (unless the estate comes from a store or
//! an `Estate` object), an optional policy (merged onto the defaults) and
//! `as_of`. Every response starts with `{"schema":
//! "steward.dispatch.<verb>.response.v1"`.

use chrono::{DateTime, FixedOffset};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::assign::{OnShift, assign, candidates};
use super::follow_up::follow_ups;
use super::lsa::linear_sum_assignment;
use super::policy::Policy;
use super::priority::{escalations, rank};
use crate::{Error, ErrorKind, Estate, EstateId, Issue, IssueCode, Result, WorkOrder, WorkOrderId};

/// A dispatch verb: one request/response pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verb {
    Rank,
    Assign,
    Candidates,
    FollowUps,
    Lsa,
}

impl Verb {
    const ALL: [Verb; 5] = [
        Verb::Rank,
        Verb::Assign,
        Verb::Candidates,
        Verb::FollowUps,
        Verb::Lsa,
    ];

    fn request(self) -> &'static str {
        match self {
            Verb::Rank => "steward.dispatch.rank.request.v1",
            Verb::Assign => "steward.dispatch.assign.request.v1",
            Verb::Candidates => "steward.dispatch.candidates.request.v1",
            Verb::FollowUps => "steward.dispatch.follow_ups.request.v1",
            Verb::Lsa => "steward.dispatch.lsa.request.v1",
        }
    }

    fn response(self) -> &'static str {
        match self {
            Verb::Rank => "steward.dispatch.rank.response.v1",
            Verb::Assign => "steward.dispatch.assign.response.v1",
            Verb::Candidates => "steward.dispatch.candidates.response.v1",
            Verb::FollowUps => "steward.dispatch.follow_ups.response.v1",
            Verb::Lsa => "steward.dispatch.lsa.response.v1",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Verb::Rank => "dispatch.rank request",
            Verb::Assign => "dispatch.assign request",
            Verb::Candidates => "dispatch.candidates request",
            Verb::FollowUps => "dispatch.follow_ups request",
            Verb::Lsa => "dispatch.lsa request",
        }
    }
}

fn one_issue(what: &str, path: &str, value: String, code: IssueCode, message: String) -> Error {
    Error::invalid(what, vec![Issue::new(path, value, code, message)])
}

fn check_schema(verb: Verb, schema: &str) -> Result<()> {
    if schema == verb.request() {
        return Ok(());
    }
    Err(one_issue(
        verb.what(),
        "schema",
        crate::wire::render_str(schema),
        IssueCode::InvalidValue,
        format!("expected {:?}, found {schema:?}", verb.request()),
    ))
}

/// An error about a part of the request, with its paths under `prefix`.
fn under(prefix: &str, e: Error, what: &str) -> Error {
    if e.kind() != ErrorKind::InvalidInput {
        return e;
    }
    let issues = e
        .issues()
        .iter()
        .map(|i| {
            let path = if i.path.is_empty() {
                prefix.to_owned()
            } else if i.path.starts_with('[') {
                format!("{prefix}{}", i.path)
            } else {
                format!("{prefix}.{}", i.path)
            };
            Issue { path, ..i.clone() }
        })
        .collect();
    Error::invalid(what, issues)
}

fn parse<T: DeserializeOwned>(verb: Verb, bytes: &[u8]) -> Result<T> {
    crate::wire::from_json_bytes(bytes, verb.what())
}

/// The estate (validated) and the policy of a request.
fn setup<'e>(
    verb: Verb,
    schema: &str,
    estate: &'e Option<Estate>,
    policy: Option<Value>,
    given: Option<&'e Estate>,
) -> Result<(&'e Estate, Policy)> {
    check_schema(verb, schema)?;
    let estate = match (estate.as_ref(), given) {
        (Some(_), Some(_)) => {
            return Err(one_issue(
                verb.what(),
                "estate",
                String::from("{…}"),
                IssueCode::InvalidValue,
                String::from(
                    "the estate is given separately (from a store or an Estate object); leave this field out",
                ),
            ));
        }
        (None, None) => {
            return Err(one_issue(
                verb.what(),
                "estate",
                String::new(),
                IssueCode::MissingField,
                String::from("missing field `estate`"),
            ));
        }
        (Some(e), None) => {
            e.validate().map_err(|e| under("estate", e, verb.what()))?;
            e
        }
        (None, Some(e)) => e,
    };
    let policy = match policy {
        None => Policy::default(),
        Some(v) => Policy::from_value(v, "policy").map_err(|e| under("policy", e, verb.what()))?,
    };
    Ok((estate, policy))
}

fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| Error::internal(format!("response not serialisable: {e}")))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RankRequest {
    schema: String,
    #[serde(default)]
    estate: Option<Estate>,
    #[serde(default)]
    policy: Option<Value>,
    #[serde(with = "crate::wire::timestamp")]
    as_of: DateTime<FixedOffset>,
    #[serde(default)]
    limit: Option<usize>,
}

fn rank_document(bytes: &[u8], given: Option<&Estate>) -> Result<String> {
    let verb = Verb::Rank;
    let req: RankRequest = parse(verb, bytes)?;
    let (limit, as_of) = (req.limit, req.as_of);
    let (estate, policy) = setup(verb, &req.schema, &req.estate, req.policy, given)?;
    let mut ranking = rank(estate, &policy, as_of)?;
    let open = ranking.orders.len();
    if let Some(n) = limit {
        ranking.orders.truncate(n);
    }
    let listed: std::collections::BTreeSet<&WorkOrderId> =
        ranking.orders.iter().map(|o| &o.order.id).collect();
    let notices: Vec<_> = escalations(estate, &policy, as_of)?
        .into_iter()
        .filter(|n| listed.contains(&n.order))
        .collect();
    #[derive(Serialize)]
    struct Response<'a> {
        schema: &'static str,
        estate: &'a EstateId,
        #[serde(with = "crate::wire::timestamp")]
        as_of: DateTime<FixedOffset>,
        policy: &'a str,
        starvation_bound_hours: f64,
        open_orders: usize,
        orders: &'a [super::RankedOrder<'a>],
        notices: &'a [super::Notice],
    }
    to_json(&Response {
        schema: verb.response(),
        estate: &estate.id,
        as_of: as_of.with_timezone(&estate.utc_offset.fixed()),
        policy: &policy.name,
        starvation_bound_hours: super::rules::round2(ranking.starvation_bound_hours),
        open_orders: open,
        orders: &ranking.orders,
        notices: &notices,
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AssignRequest {
    schema: String,
    #[serde(default)]
    estate: Option<Estate>,
    #[serde(default)]
    policy: Option<Value>,
    #[serde(with = "crate::wire::timestamp")]
    as_of: DateTime<FixedOffset>,
    on_shift: Vec<OnShift>,
    #[serde(default)]
    orders: Option<Vec<WorkOrderId>>,
}

fn assign_document(bytes: &[u8], given: Option<&Estate>) -> Result<String> {
    let verb = Verb::Assign;
    let req: AssignRequest = parse(verb, bytes)?;
    let as_of = req.as_of;
    let (estate, policy) = setup(verb, &req.schema, &req.estate, req.policy, given)?;
    let plan = assign(estate, &policy, as_of, &req.on_shift, req.orders.as_deref())
        .map_err(|e| rename(e, verb))?;
    #[derive(Serialize)]
    struct Response<'a> {
        schema: &'static str,
        estate: &'a EstateId,
        policy: &'a str,
        #[serde(flatten)]
        plan: &'a super::Plan,
    }
    to_json(&Response {
        schema: verb.response(),
        estate: &estate.id,
        policy: &policy.name,
        plan: &plan,
    })
}

/// The request's name in messages about its own fields.
fn rename(e: Error, verb: Verb) -> Error {
    if e.kind() == ErrorKind::InvalidInput && !e.issues().is_empty() {
        Error::invalid(verb.what(), e.issues().to_vec())
    } else {
        e
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CandidatesRequest {
    schema: String,
    #[serde(default)]
    estate: Option<Estate>,
    #[serde(default)]
    policy: Option<Value>,
    #[serde(with = "crate::wire::timestamp")]
    as_of: DateTime<FixedOffset>,
    on_shift: Vec<OnShift>,
    #[serde(default)]
    order_id: Option<WorkOrderId>,
    #[serde(default)]
    order: Option<WorkOrder>,
}

fn candidates_document(bytes: &[u8], given: Option<&Estate>) -> Result<String> {
    let verb = Verb::Candidates;
    let req: CandidatesRequest = parse(verb, bytes)?;
    let as_of = req.as_of;
    let (estate, policy) = setup(verb, &req.schema, &req.estate, req.policy, given)?;
    let order: &WorkOrder = match (&req.order_id, &req.order) {
        (Some(id), None) => estate.work_order(id).ok_or_else(|| {
            one_issue(
                verb.what(),
                "order_id",
                crate::wire::render_str(id.as_str()),
                IssueCode::DanglingReference,
                format!("work order {:?} does not exist", id.as_str()),
            )
        })?,
        (None, Some(o)) => {
            // A new order: check it as if it were added to the estate.
            let mut with = estate.clone();
            with.work_orders.push(o.clone());
            let n = with.work_orders.len() - 1;
            if let Err(e) = with.validate() {
                let own = format!("work_orders[{n}]");
                let issues: Vec<Issue> = e
                    .issues()
                    .iter()
                    .filter_map(|i| {
                        i.path.strip_prefix(&own).map(|rest| Issue {
                            path: format!("order{rest}"),
                            ..i.clone()
                        })
                    })
                    .collect();
                if !issues.is_empty() {
                    return Err(Error::invalid(verb.what(), issues));
                }
            }
            o
        }
        (Some(_), Some(_)) => {
            return Err(one_issue(
                verb.what(),
                "order",
                String::from("{…}"),
                IssueCode::InvalidValue,
                String::from(
                    "give either `order_id` (an order of the estate) or `order` (a new order), not both",
                ),
            ));
        }
        (None, None) => {
            return Err(one_issue(
                verb.what(),
                "order_id",
                String::new(),
                IssueCode::MissingField,
                String::from("missing field `order_id` (or `order`, a new order)"),
            ));
        }
    };
    let list =
        candidates(estate, &policy, as_of, order, &req.on_shift).map_err(|e| rename(e, verb))?;
    #[derive(Serialize)]
    struct Response<'a> {
        schema: &'static str,
        estate: &'a EstateId,
        #[serde(with = "crate::wire::timestamp")]
        as_of: DateTime<FixedOffset>,
        policy: &'a str,
        #[serde(flatten)]
        candidates: &'a super::Candidates,
    }
    to_json(&Response {
        schema: verb.response(),
        estate: &estate.id,
        as_of: as_of.with_timezone(&estate.utc_offset.fixed()),
        policy: &policy.name,
        candidates: &list,
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FollowUpsRequest {
    schema: String,
    #[serde(default)]
    estate: Option<Estate>,
    #[serde(default)]
    policy: Option<Value>,
    #[serde(with = "crate::wire::timestamp")]
    as_of: DateTime<FixedOffset>,
}

fn follow_ups_document(bytes: &[u8], given: Option<&Estate>) -> Result<String> {
    let verb = Verb::FollowUps;
    let req: FollowUpsRequest = parse(verb, bytes)?;
    let as_of = req.as_of;
    let (estate, policy) = setup(verb, &req.schema, &req.estate, req.policy, given)?;
    let found = follow_ups(estate, &policy, as_of)?;
    #[derive(Serialize)]
    struct Response<'a> {
        schema: &'static str,
        estate: &'a EstateId,
        policy: &'a str,
        #[serde(flatten)]
        found: &'a super::FollowUps,
    }
    to_json(&Response {
        schema: verb.response(),
        estate: &estate.id,
        policy: &policy.name,
        found: &found,
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LsaRequest {
    schema: String,
    cost: Vec<Vec<Option<f64>>>,
    #[serde(default)]
    maximize: bool,
}

fn lsa_document(bytes: &[u8]) -> Result<String> {
    let verb = Verb::Lsa;
    let req: LsaRequest = parse(verb, bytes)?;
    check_schema(verb, &req.schema)?;
    let rows = req.cost.len();
    let cols = req.cost.first().map_or(0, Vec::len);
    let forbidden = if req.maximize {
        f64::NEG_INFINITY
    } else {
        f64::INFINITY
    };
    let mut flat = Vec::with_capacity(rows * cols);
    for (i, row) in req.cost.iter().enumerate() {
        if row.len() != cols {
            return Err(one_issue(
                verb.what(),
                &format!("cost[{i}]"),
                serde_json::to_string(row).unwrap_or_default(),
                IssueCode::InvalidLength,
                format!(
                    "expected {cols} values like the first row, found {}",
                    row.len()
                ),
            ));
        }
        flat.extend(row.iter().map(|c| c.unwrap_or(forbidden)));
    }
    let (row_ind, col_ind) =
        linear_sum_assignment(&flat, rows, cols, req.maximize).map_err(|e| rename(e, verb))?;
    let total = row_ind
        .iter()
        .zip(&col_ind)
        .filter_map(|(&i, &j)| flat.get(i * cols + j))
        .fold(0.0, |a, b| a + b);
    #[derive(Serialize)]
    struct Response {
        schema: &'static str,
        row_ind: Vec<usize>,
        col_ind: Vec<usize>,
        cost: f64,
    }
    to_json(&Response {
        schema: verb.response(),
        row_ind,
        col_ind,
        cost: total,
    })
}

fn run(verb: Verb, bytes: &[u8], given: Option<&Estate>) -> Result<String> {
    match verb {
        Verb::Rank => rank_document(bytes, given),
        Verb::Assign => assign_document(bytes, given),
        Verb::Candidates => candidates_document(bytes, given),
        Verb::FollowUps => follow_ups_document(bytes, given),
        Verb::Lsa => lsa_document(bytes),
    }
}

/// `dispatch.rank`: the ranked queue with reasons and escalation notices.
///
/// Request: `{"schema": "steward.dispatch.rank.request.v1", "estate": {…},
/// "policy": {…}?, "as_of": "…", "limit": n?}`.
///
/// # Errors
/// `invalid_input` naming the field for a bad request, estate or policy.
pub fn rank_entry(document: &[u8]) -> Result<String> {
    run(Verb::Rank, document, None)
}

/// `dispatch.assign`: the optimal assignment plan.
///
/// Request: `{"schema": "steward.dispatch.assign.request.v1", "estate":
/// {…}, "policy": {…}?, "as_of": "…", "on_shift": [{"staff": "S06",
/// "building": "B3"?, "load": 1?, "capacity": 4?}], "orders": ["…"]?}`.
///
/// # Errors
/// `invalid_input` naming the field for a bad request, estate, policy, or
/// shift list.
pub fn assign_entry(document: &[u8]) -> Result<String> {
    run(Verb::Assign, document, None)
}

/// `dispatch.candidates`: who should take one order.
///
/// Request: `{"schema": "steward.dispatch.candidates.request.v1", "estate":
/// {…}, "policy": {…}?, "as_of": "…", "on_shift": […], "order_id": "…"}`
/// (or `"order": {…}` for a new order).
///
/// # Errors
/// `invalid_input` naming the field.
pub fn candidates_entry(document: &[u8]) -> Result<String> {
    run(Verb::Candidates, document, None)
}

/// `dispatch.follow_ups`: the follow-up orders the rules propose.
///
/// Request: `{"schema": "steward.dispatch.follow_ups.request.v1", "estate":
/// {…}, "policy": {…}?, "as_of": "…"}`.
///
/// # Errors
/// `invalid_input` naming the field.
pub fn follow_ups_entry(document: &[u8]) -> Result<String> {
    run(Verb::FollowUps, document, None)
}

/// `dispatch.lsa`: linear sum assignment on a dense matrix (scipy's
/// contract); `null` entries are forbidden pairs.
///
/// Request: `{"schema": "steward.dispatch.lsa.request.v1", "cost": [[…], …],
/// "maximize": false}`; response `{"schema": …, "row_ind": […], "col_ind":
/// […], "cost": total}`.
///
/// # Errors
/// `invalid_input` for ragged rows or NaN-like values, `infeasible` if every
/// complete assignment uses a forbidden entry.
///
/// ```
/// let out = steward::wire::call("dispatch.lsa", br#"{"schema": "steward.dispatch.lsa.request.v1",
///     "cost": [[4, 1, 3], [2, 0, 5], [3, 2, 2]]}"#)?;
/// assert_eq!(out, r#"{"schema":"steward.dispatch.lsa.response.v1","row_ind":[0,1,2],"col_ind":[1,0,2],"cost":5.0}"#);
/// # Ok::<(), steward::Error>(())
/// ```
pub fn lsa_entry(document: &[u8]) -> Result<String> {
    run(Verb::Lsa, document, None)
}

/// Runs any dispatch request, chosen by its `schema` field.
///
/// # Errors
/// `invalid_input` if `schema` is missing or names no dispatch request;
/// otherwise as the request's entry point.
pub fn call(document: &[u8]) -> Result<String> {
    route(document, None)
}

/// Runs a dispatch request (chosen by its `schema`) about an estate given
/// separately — from a store, or a Python `Estate` object; the request must
/// then leave out `estate`.
///
/// # Errors
/// As [`call`]; `invalid_input` at `estate` if the request has one too.
pub fn call_with_estate(document: &[u8], estate: &Estate) -> Result<String> {
    route(document, Some(estate))
}

fn route(document: &[u8], estate: Option<&Estate>) -> Result<String> {
    #[derive(Deserialize)]
    struct Head {
        schema: String,
    }
    let head: Head = crate::wire::from_json_bytes(document, "dispatch request")?;
    let verb = Verb::ALL
        .into_iter()
        .find(|v| v.request() == head.schema)
        .ok_or_else(|| {
            let known: Vec<&str> = Verb::ALL.iter().map(|v| v.request()).collect();
            one_issue(
                "dispatch request",
                "schema",
                crate::wire::render_str(&head.schema),
                IssueCode::InvalidValue,
                format!(
                    "expected one of {}, found {:?}",
                    known.join(", "),
                    head.schema
                ),
            )
        })?;
    run(verb, document, estate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_request(verb: &str, extra: &str) -> String {
        format!(
            r#"{{"schema": "steward.dispatch.{verb}.request.v1", "estate": {}, "as_of": "{}"{extra}}}"#,
            crate::demo::estate().to_json(),
            crate::demo::DEMO_NOW
        )
    }

    #[test]
    fn responses_start_with_their_schema() {
        let out = rank_entry(demo_request("rank", r#", "limit": 3"#).as_bytes()).unwrap();
        assert!(out.starts_with(
            r#"{"schema":"steward.dispatch.rank.response.v1","estate":"babylon-blue-diamond""#
        ));
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["orders"].as_array().unwrap().len(), 3);
        assert_eq!(v["orders"][0]["order"], crate::demo::LEAK_ORDER);
        let out = call(demo_request("follow_ups", "").as_bytes()).unwrap();
        assert!(out.starts_with(r#"{"schema":"steward.dispatch.follow_ups.response.v1""#));
    }

    #[test]
    fn bad_requests_name_the_field() {
        let err = rank_entry(br#"{"schema": "steward.dispatch.rank.request.v2", "as_of": "2022-12-14T10:00:00+08:00"}"#).unwrap_err();
        assert_eq!(err.issues()[0].path, "schema");
        let err = rank_entry(
            demo_request("rank", r#", "policy": {"ageing": {"points_per_hour": -1}}"#).as_bytes(),
        )
        .unwrap_err();
        assert_eq!(err.issues()[0].path, "policy.ageing.points_per_hour");
        assert!(
            err.message()
                .starts_with("invalid dispatch.rank request: policy.ageing.points_per_hour")
        );
        let err =
            rank_entry(demo_request("rank", r#", "policy": {"ageing": {"rate": 1}}"#).as_bytes())
                .unwrap_err();
        assert_eq!(err.issues()[0].path, "policy.ageing.rate");
        let err = call(br#"{"schema": "x"}"#).unwrap_err();
        assert_eq!(err.issues()[0].path, "schema");
        let err =
            lsa_entry(br#"{"schema": "steward.dispatch.lsa.request.v1", "cost": [[1, 2], [3]]}"#)
                .unwrap_err();
        assert_eq!(err.issues()[0].path, "cost[1]");
    }
}
