//! The reference estate: "Babylon · Blue Diamond" (巴比伦·蓝钻) in Shangqiu, Henan.
//!
//! The facts come from the founding news report (2022): 9 buildings, 500+
//! households and 1,000+ residents; 23 staff of the first branch of Henan
//! Taiyuan Property Co., whose party branch was formed in June 2021 with the
//! branch lead as secretary; party-member and university-student volunteers
//! at the gates, screening and disinfection during epidemic closed
//! management; a kitchen pipe that leaked and backed up into a flat in
//! December, handled the same day and followed by an inspection of the whole
//! building's pipes; and a joint meeting of community, owners' committee,
//! property company, police officer and resident representatives that settles
//! parking, hygiene and neighbour disputes.
//!
//! Everything else is invented and generated from a fixed seed with a small
//! SplitMix64 generator, so [`estate`] returns the same estate, byte for byte,
//! on every call: the households and residents, the staff roster, volunteers,
//! posts and shifts, the closed-management period of April 2022, the week of
//! work orders ending at [`DEMO_NOW`] (the morning of the leak, replayed in
//! December 2022 so that the year's survey and closed management lie in the
//! past), their ratings, and the 2022 annual survey.
//!
//! Personal data: every personal name is invented from common surnames and
//! given-name syllables, except the party branch secretary, a public figure
//! named in the report (she has no phone number here). Phone numbers are in
//! the fake range `1380000xxxx`.
//!
//! ```
//! let estate = steward::demo::estate();
//! assert_eq!(estate.buildings.len(), 9);
//! assert_eq!(estate.staff.len(), 23);
//! assert!(estate.validate().is_ok());
//! assert_eq!(estate, steward::demo::estate()); // deterministic
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeDelta, Timelike};

use crate::{
    Availability, Building, CareNeed, Category, Channel, Company, Coverage, Estate, Hazard,
    HoldReason, HoursSystem, Household, HouseholdId, ItemStatus, Location, MeetingItem,
    MeetingTopic, OperatingMode, OperatingPeriod, PartyBranch, Personal, Post, PostKind, Rating,
    Reporter, Resident, ResidentId, ResidentRole, ShiftType, Skill, StaffId, StaffMember,
    StaffRole, Stakeholder, StakeholderKind, SurveyDimension, SurveyResponse, Tenure, TimeOfDay,
    Volunteer, VolunteerKind, Weekday, WorkOrder, WorkOrderEvent, WorkOrderId,
};

// Short names for the data tables.
use Category as C;
use Place::{Block, Grounds, Unit};
use Skill as K;
use StaffRole as R;
use VolunteerKind as V;

/// The demo's "now": the morning of the kitchen leak, as RFC 3339.
///
/// Every work order, event, rating and survey response of the demo estate
/// lies at or before this instant.
pub const DEMO_NOW: &str = "2022-12-14T10:00:00+08:00";

/// The demo estate's id.
pub const ESTATE_ID: &str = "babylon-blue-diamond";

/// The household whose kitchen pipe leaked (an elderly owner living alone,
/// resident for five years).
pub const LEAK_HOUSEHOLD: &str = "B3-1202";

/// The work order of the kitchen leak with backflow (in progress at [`DEMO_NOW`]).
pub const LEAK_ORDER: &str = "WO-221214-005";

/// The follow-up order: inspect and repair the pipes of the whole building
/// (triaged, not yet assigned, at [`DEMO_NOW`]).
pub const LEAK_FOLLOW_UP: &str = "WO-221214-008";

/// The id of the 2022 annual satisfaction survey.
pub const ANNUAL_SURVEY: &str = "2022-annual";

/// The demo's "now" ([`DEMO_NOW`]) as a timestamp in China Standard Time.
///
/// ```
/// assert_eq!(steward::demo::now().to_rfc3339(), steward::demo::DEMO_NOW);
/// ```
pub fn now() -> DateTime<FixedOffset> {
    at(DEMO_DATE, 10 * 60)
}

/// Builds the reference estate, the same on every call.
///
/// See the [module documentation](self) for what it holds and where it comes
/// from. It passes [`Estate::validate`].
///
/// ```
/// let estate = steward::demo::estate();
/// assert!(estate.households.len() >= 500);
/// assert!(estate.residents.len() >= 1000);
/// let leak = estate.work_order(&steward::WorkOrderId::new(steward::demo::LEAK_ORDER)?).unwrap();
/// assert!(leak.hazards.contains(&steward::Hazard::WaterIngress));
/// # Ok::<(), steward::Error>(())
/// ```
pub fn estate() -> Estate {
    let population = population();
    let now = now();
    let mut e = Estate::new(
        id(ESTATE_ID),
        "Babylon · Blue Diamond (巴比伦·蓝钻)",
        company(),
    );
    e.buildings = buildings();
    e.staff = staff();
    e.volunteers = volunteers();
    e.stakeholders = stakeholders();
    e.meeting_items = meeting_items();
    e.shift_types = shift_types();
    e.posts = posts();
    e.operating_periods = operating_periods();
    e.work_orders = work_orders(&population, now);
    e.ratings = ratings(&e.work_orders, now);
    e.survey_responses = survey(&population, &e.dimensions);
    e.households = population.households;
    e.residents = population.residents;
    e
}

// ---------------------------------------------------------------------------
// Small helpers: ids, times, randomness, names.

/// Unwraps a value built from this file's own constant data.
///
/// The data is fixed and covered by the tests, so a failure here is a bug in
/// this file; the panic says what was being built.
#[allow(clippy::panic)]
#[track_caller]
fn ours<T, E: Display>(what: &str, result: Result<T, E>) -> T {
    match result {
        Ok(value) => value,
        Err(e) => panic!("demo data: bad {what}: {e}"),
    }
}

/// An id of any kind from our own data.
#[track_caller]
fn id<T: TryFrom<String, Error = String>>(s: impl Into<String>) -> T {
    ours("id", T::try_from(s.into()))
}

/// A time of day from our own data.
#[track_caller]
fn hm(hour: u16, minute: u16) -> TimeOfDay {
    ours(
        "time of day",
        TimeOfDay::from_hm(hour, minute).ok_or("out of range"),
    )
}

/// A date; only used in constants, so a bad date fails the build.
#[allow(clippy::panic)]
const fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(date) => date,
        None => panic!("demo data: bad date"),
    }
}

/// China Standard Time, the estate's offset.
const CST: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => unreachable!(),
};

const DEMO_DATE: NaiveDate = ymd(2022, 12, 14);
/// First day of the demo week of work orders (the week ends at [`DEMO_NOW`]).
const WEEK_FIRST: NaiveDate = ymd(2022, 12, 8);
const DECEMBER_FIRST: NaiveDate = ymd(2022, 12, 1);
const CLOSED_FROM: NaiveDate = ymd(2022, 4, 10);
const CLOSED_UNTIL: NaiveDate = ymd(2022, 4, 30);
/// Students joined two days after closed management began.
const STUDENTS_FROM: NaiveDate = ymd(2022, 4, 12);
const SURVEY_FROM: NaiveDate = ymd(2022, 11, 21);
const SURVEY_DAYS: usize = 14;

/// A local (+08:00) timestamp, `minute_of_day` minutes after midnight of `date`.
fn at(date: NaiveDate, minute_of_day: i64) -> DateTime<FixedOffset> {
    let local = date.and_time(NaiveTime::MIN) + TimeDelta::minutes(minute_of_day);
    let utc = local - TimeDelta::seconds(i64::from(CST.local_minus_utc()));
    DateTime::from_naive_utc_and_offset(utc, CST)
}

/// A local timestamp in December 2022.
fn dec(day: i64, hour: i64, minute: i64) -> DateTime<FixedOffset> {
    at(
        DECEMBER_FIRST + TimeDelta::days(day - 1),
        hour * 60 + minute,
    )
}

/// Local minutes after midnight.
fn minute_of_day(t: DateTime<FixedOffset>) -> i64 {
    i64::from(t.hour() * 60 + t.minute())
}

fn minutes(n: i64) -> TimeDelta {
    TimeDelta::minutes(n)
}

/// SplitMix64: a tiny, well-known generator, enough for demo data.
struct Rng(u64);

impl Rng {
    const SEED: u64 = 0x5EED_2022_1214_0001;

    /// A generator for one part of the estate, so that changing one part
    /// does not reshuffle the others.
    fn new(stream: u64) -> Rng {
        Rng(Rng::SEED ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    /// A year in `lo..=hi`.
    fn year(&mut self, lo: u16, hi: u16) -> u16 {
        lo + (self.next() % u64::from(hi - lo + 1)) as u16
    }

    /// True with probability `p` percent.
    fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    #[track_caller]
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = self.below(items.len());
        ours("table", items.get(i).ok_or("empty table"))
    }

    #[track_caller]
    fn weighted<T: Copy>(&mut self, table: &[(T, u32)]) -> T {
        let total: u32 = table.iter().map(|(_, w)| w).sum();
        let mut x = self.below(total as usize) as u32;
        for &(value, weight) in table {
            if x < weight {
                return value;
            }
            x -= weight;
        }
        ours(
            "weighted table",
            table.last().map(|&(v, _)| v).ok_or("empty table"),
        )
    }
}

/// Real people named in the founding report. Only the secretary appears in
/// the demo, under her own name; generated names never equal any of these.
const NAMES_FROM_THE_REPORT: [&str; 6] = ["何喜梅", "王领贤", "汤珍珍", "倪政伟", "赵瑞", "郑国锋"];

/// The party branch secretary and branch lead, named in the report.
const SECRETARY: &str = "S01";
const SECRETARY_NAME: &str = "何喜梅";

/// Common surnames, most common first (Henan leans to the first few).
const SURNAMES: [&str; 60] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "范", "石", "贾",
];

/// Given-name syllables by sex and generation.
const GIVEN_OLDER_M: [&str; 20] = [
    "建", "国", "军", "明", "志", "德", "保", "长", "春", "振", "庆", "福", "宝", "林", "山", "海",
    "成", "文", "全", "顺",
];
const GIVEN_OLDER_F: [&str; 18] = [
    "秀", "英", "兰", "芳", "桂", "玉", "梅", "凤", "珍", "琴", "霞", "淑", "荣", "香", "翠", "云",
    "爱", "素",
];
const GIVEN_MIDDLE_M: [&str; 17] = [
    "伟", "强", "磊", "军", "勇", "涛", "斌", "鹏", "辉", "刚", "杰", "峰", "超", "亮", "健", "波",
    "宁",
];
const GIVEN_MIDDLE_F: [&str; 17] = [
    "丽", "静", "敏", "燕", "艳", "娟", "红", "丹", "玲", "萍", "莉", "娜", "洁", "颖", "倩", "婷",
    "晶",
];
const GIVEN_YOUNGER_M: [&str; 15] = [
    "浩", "宇", "轩", "子", "博", "晨", "泽", "睿", "俊", "航", "凯", "鑫", "阳", "昊", "然",
];
const GIVEN_YOUNGER_F: [&str; 15] = [
    "欣", "怡", "涵", "雨", "萱", "思", "梓", "佳", "悦", "琪", "诺", "妍", "可", "彤", "雪",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sex {
    Male,
    Female,
}

impl Sex {
    fn random(rng: &mut Rng) -> Sex {
        if rng.percent(50) {
            Sex::Male
        } else {
            Sex::Female
        }
    }
}

/// A surname, skewed towards the common ones.
fn surname(rng: &mut Rng) -> &'static str {
    let i = rng.below(SURNAMES.len()).min(rng.below(SURNAMES.len()));
    SURNAMES.get(i).copied().unwrap_or("王")
}

/// An invented full name: the surname and one or two given-name syllables
/// fitting the person's sex and generation.
fn full_name(rng: &mut Rng, surname: &str, sex: Sex, born: u16) -> String {
    let pool: &[&str] = match (sex, born) {
        (Sex::Male, ..=1965) => &GIVEN_OLDER_M,
        (Sex::Female, ..=1965) => &GIVEN_OLDER_F,
        (Sex::Male, 1966..=1992) => &GIVEN_MIDDLE_M,
        (Sex::Female, 1966..=1992) => &GIVEN_MIDDLE_F,
        (Sex::Male, _) => &GIVEN_YOUNGER_M,
        (Sex::Female, _) => &GIVEN_YOUNGER_F,
    };
    for _ in 0..16 {
        let first = *rng.pick(pool);
        let name = if rng.percent(30) {
            format!("{surname}{first}")
        } else {
            let second = *rng.pick(pool);
            if second == first {
                continue;
            }
            format!("{surname}{first}{second}")
        };
        if !NAMES_FROM_THE_REPORT.contains(&name.as_str()) {
            return name;
        }
    }
    // "某" (so-and-so): an unmistakably placeholder name.
    format!("{surname}某")
}

/// A phone number in the fake range 1380000xxxx.
fn phone(n: usize) -> Personal {
    Personal::new(format!("1380000{n:04}"))
}

// Phone numbers by group: residents from 0001, volunteers from 8001, staff
// from 9001, stakeholder contacts from 9901.
const VOLUNTEER_PHONES: usize = 8000;
const STAFF_PHONES: usize = 9000;
const CONTACT_PHONES: usize = 9900;

// ---------------------------------------------------------------------------
// The company, buildings, households and residents.

fn company() -> Company {
    Company {
        name: "Henan Taiyuan Property Co., Ltd. (河南泰元物业有限公司)".to_owned(),
        branch: "First branch (第一分公司)".to_owned(),
        party_branch: Some(PartyBranch {
            name: "Party branch of the First branch (第一分公司党支部)".to_owned(),
            secretary: id(SECRETARY),
            // The report says June 2021; the day is not given.
            founded: Some(ymd(2021, 6, 1)),
        }),
    }
}

/// One building: its size, and how its residents feel about the service
/// (in tenths of a survey point), which the annual survey reflects.
struct BuildingSpec {
    id: &'static str,
    name: &'static str,
    floors: u16,
    per_floor: u16,
    lift: bool,
    built: u16,
    mood: i64,
}

const fn building(
    id: &'static str,
    name: &'static str,
    floors: u16,
    per_floor: u16,
    lift: bool,
    built: u16,
    mood: i64,
) -> BuildingSpec {
    BuildingSpec {
        id,
        name,
        floors,
        per_floor,
        lift,
        built,
        mood,
    }
}

/// Seven lift buildings (18 and 11 floors) and two six-floor walk-ups:
/// 528 households. Building 8, an older walk-up with tired drains, is the
/// least satisfied; Building 1 the most.
#[rustfmt::skip]
const BUILDINGS: [BuildingSpec; 9] = [
    // id, name, floors, households per floor, lift, built, mood (tenths of a survey point)
    building("B1", "Building 1 (1号楼)", 18, 4, true,  2016,   6),
    building("B2", "Building 2 (2号楼)", 18, 4, true,  2016,   0),
    building("B3", "Building 3 (3号楼)", 18, 4, true,  2016,   2),
    building("B4", "Building 4 (4号楼)", 18, 6, true,  2016,  -2),
    building("B5", "Building 5 (5号楼)", 11, 4, true,  2017,   2),
    building("B6", "Building 6 (6号楼)", 11, 4, true,  2017,   0),
    building("B7", "Building 7 (7号楼)", 11, 4, true,  2017,  -1),
    building("B8", "Building 8 (8号楼)",  6, 6, false, 2015, -13),
    building("B9", "Building 9 (9号楼)",  6, 6, false, 2015,   1),
];

fn buildings() -> Vec<Building> {
    BUILDINGS
        .iter()
        .map(|b| Building {
            id: id(b.id),
            name: b.name.to_owned(),
            floors: b.floors,
            has_elevator: b.lift,
            built_year: Some(b.built),
        })
        .collect()
}

/// Who lives in a household.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Makeup {
    ElderlyAlone,
    ElderlyCouple,
    Single,
    YoungCouple,
    InfantFamily,
    Family,
    ThreeGenerations,
    Sharers,
}

const OWNER_MAKEUPS: [(Makeup, u32); 7] = [
    (Makeup::ElderlyAlone, 8),
    (Makeup::ElderlyCouple, 18),
    (Makeup::Single, 9),
    (Makeup::YoungCouple, 16),
    (Makeup::InfantFamily, 6),
    (Makeup::Family, 33),
    (Makeup::ThreeGenerations, 10),
];

const TENANT_MAKEUPS: [(Makeup, u32); 5] = [
    (Makeup::Single, 30),
    (Makeup::YoungCouple, 28),
    (Makeup::InfantFamily, 5),
    (Makeup::Family, 22),
    (Makeup::Sharers, 15),
];

const TENURES: [(Tenure, u32); 3] = [
    (Tenure::Owner, 81),
    (Tenure::Tenant, 13),
    (Tenure::Vacant, 6),
];

/// Households the story needs, always owner-occupied, with their make-up:
/// the leak and the flat below it, the resident representatives, and the
/// homes of hand-written work orders.
const STORY_HOUSEHOLDS: [(&str, Makeup); 9] = [
    (LEAK_HOUSEHOLD, Makeup::ElderlyAlone),
    ("B3-1102", Makeup::Family),
    ("B2-0601", Makeup::Family),
    ("B5-0903", Makeup::ElderlyCouple),
    ("B8-0402", Makeup::ThreeGenerations),
    ("B6-0703", Makeup::YoungCouple),
    ("B5-0402", Makeup::InfantFamily),
    ("B7-0503", Makeup::Family),
    ("B8-0205", Makeup::Family),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kin {
    Head,
    Spouse,
    Child,
    Grandparent,
    Housemate,
}

struct Member {
    kin: Kin,
    sex: Sex,
    born: u16,
}

fn member(kin: Kin, sex: Sex, born: u16) -> Member {
    Member { kin, sex, born }
}

/// A couple: the head (registered owner or tenant) and the spouse.
fn couple(rng: &mut Rng, lo: u16, hi: u16) -> Vec<Member> {
    let man = rng.year(lo, hi);
    let woman = (man + rng.year(0, 3)).min(hi + 2);
    if rng.percent(65) {
        vec![
            member(Kin::Head, Sex::Male, man),
            member(Kin::Spouse, Sex::Female, woman),
        ]
    } else {
        vec![
            member(Kin::Head, Sex::Female, woman),
            member(Kin::Spouse, Sex::Male, man),
        ]
    }
}

/// The people of a household of a given make-up (as of 2022).
fn members(rng: &mut Rng, makeup: Makeup) -> Vec<Member> {
    match makeup {
        Makeup::ElderlyAlone => {
            let sex = Sex::random(rng);
            vec![member(Kin::Head, sex, rng.year(1934, 1952))]
        }
        Makeup::ElderlyCouple => couple(rng, 1938, 1957),
        Makeup::Single => {
            let sex = Sex::random(rng);
            vec![member(Kin::Head, sex, rng.year(1975, 2000))]
        }
        Makeup::YoungCouple => couple(rng, 1986, 1997),
        Makeup::InfantFamily => {
            let mut m = couple(rng, 1987, 1996);
            if rng.percent(30) {
                let sex = Sex::random(rng);
                m.push(member(Kin::Child, sex, rng.year(2014, 2019)));
            }
            let sex = Sex::random(rng);
            m.push(member(Kin::Child, sex, rng.year(2021, 2022)));
            m
        }
        Makeup::Family => {
            let mut m = couple(rng, 1970, 1990);
            let parent = m.iter().map(|p| p.born).min().unwrap_or(1980);
            let first = (parent + rng.year(25, 33)).min(2020);
            let sex = Sex::random(rng);
            m.push(member(Kin::Child, sex, first));
            if rng.percent(30) {
                let sex = Sex::random(rng);
                m.push(member(Kin::Child, sex, (first + rng.year(2, 8)).min(2020)));
            }
            m
        }
        Makeup::ThreeGenerations => {
            let mut m = couple(rng, 1978, 1990);
            let sex = Sex::random(rng);
            m.push(member(Kin::Child, sex, rng.year(2008, 2020)));
            let grandfather = rng.year(1945, 1958);
            if rng.percent(50) {
                m.push(member(Kin::Grandparent, Sex::Male, grandfather));
                m.push(member(
                    Kin::Grandparent,
                    Sex::Female,
                    grandfather + rng.year(0, 3),
                ));
            } else {
                let sex = Sex::random(rng);
                m.push(member(Kin::Grandparent, sex, grandfather));
            }
            m
        }
        Makeup::Sharers => {
            let n = if rng.percent(60) { 2 } else { 3 };
            (0..n)
                .map(|i| {
                    let kin = if i == 0 { Kin::Head } else { Kin::Housemate };
                    let sex = Sex::random(rng);
                    member(kin, sex, rng.year(1993, 2001))
                })
                .collect()
        }
    }
}

/// An occupied household, as later generators need it.
struct Home {
    id: HouseholdId,
    /// Index into [`BUILDINGS`].
    building: usize,
    /// Adults, the registered owner or main tenant first.
    adults: Vec<ResidentId>,
}

struct Population {
    households: Vec<Household>,
    residents: Vec<Resident>,
    /// Occupied households, in household order.
    homes: Vec<Home>,
}

impl Population {
    #[track_caller]
    fn home(&self, household: &str) -> &Home {
        ours(
            "story household",
            self.homes
                .iter()
                .find(|h| h.id.as_str() == household)
                .ok_or(household),
        )
    }

    /// The registered owner or main tenant of a home.
    #[track_caller]
    fn head(&self, household: &str) -> ResidentId {
        ours(
            "story household",
            self.home(household)
                .adults
                .first()
                .cloned()
                .ok_or(household),
        )
    }
}

fn population() -> Population {
    let mut rng = Rng::new(1);
    let mut phones = 0;
    let mut pop = Population {
        households: Vec::new(),
        residents: Vec::new(),
        homes: Vec::new(),
    };
    for (b, spec) in BUILDINGS.iter().enumerate() {
        for floor in 1..=spec.floors {
            for door in 1..=spec.per_floor {
                let unit = format!("{floor:02}{door:02}");
                let hid = format!("{}-{unit}", spec.id);
                let story = STORY_HOUSEHOLDS
                    .iter()
                    .find(|(h, _)| *h == hid)
                    .map(|&(_, m)| m);
                let tenure = match story {
                    Some(_) => Tenure::Owner,
                    None => rng.weighted(&TENURES),
                };
                let mut household = Household {
                    id: id(hid.as_str()),
                    building: id(spec.id),
                    unit,
                    floor: floor as i16,
                    tenure,
                    care_needs: BTreeSet::new(),
                };
                if tenure != Tenure::Vacant {
                    let makeup = story.unwrap_or_else(|| match tenure {
                        Tenure::Tenant => rng.weighted(&TENANT_MAKEUPS),
                        _ => rng.weighted(&OWNER_MAKEUPS),
                    });
                    let mut people = members(&mut rng, makeup);
                    let moved_in = if hid == LEAK_HOUSEHOLD {
                        // The resident of five years in the report.
                        if let Some(p) = people.first_mut() {
                            p.born = 1949;
                        }
                        2017
                    } else if tenure == Tenure::Tenant {
                        rng.year(2019, 2022)
                    } else {
                        let years = 2022 - spec.built;
                        spec.built + rng.year(0, years).min(rng.year(0, years))
                    };
                    household.care_needs = care_needs(&mut rng, makeup, &people);
                    let home = settle(
                        &mut rng,
                        &mut pop.residents,
                        &mut phones,
                        &household,
                        &people,
                        moved_in,
                    );
                    pop.homes.push(Home {
                        id: household.id.clone(),
                        building: b,
                        adults: home,
                    });
                }
                pop.households.push(household);
            }
        }
    }
    pop
}

/// Care needs that follow from who lives there, plus a few that do not.
fn care_needs(rng: &mut Rng, makeup: Makeup, people: &[Member]) -> BTreeSet<CareNeed> {
    let mut needs = BTreeSet::new();
    if makeup == Makeup::ElderlyAlone {
        needs.insert(CareNeed::ElderlyAlone);
    }
    if people.iter().any(|p| p.born >= 2021) {
        needs.insert(CareNeed::Infant);
    }
    if people.iter().any(|p| p.born <= 1957) && rng.percent(12) {
        needs.insert(CareNeed::MedicalNeed);
    }
    if makeup == Makeup::YoungCouple && rng.percent(8) {
        needs.insert(CareNeed::Pregnancy);
    }
    if rng.percent(2) {
        needs.insert(CareNeed::Disability);
    }
    needs
}

/// Adds the residents of one household; returns its adults, head first.
fn settle(
    rng: &mut Rng,
    residents: &mut Vec<Resident>,
    phones: &mut usize,
    household: &Household,
    people: &[Member],
    moved_in: u16,
) -> Vec<ResidentId> {
    let head_surname = surname(rng);
    let spouse_surname = surname(rng);
    // Children take the father's surname.
    let family_surname = match people.iter().find(|p| p.kin == Kin::Spouse) {
        Some(spouse) if spouse.sex == Sex::Male => spouse_surname,
        _ => head_surname,
    };
    let mut adults = Vec::new();
    for (n, p) in people.iter().enumerate() {
        let surname = match p.kin {
            Kin::Head => head_surname,
            Kin::Spouse => spouse_surname,
            Kin::Child => family_surname,
            Kin::Grandparent if p.sex == Sex::Male => family_surname,
            Kin::Grandparent | Kin::Housemate => surname(rng),
        };
        let role = match (p.kin, household.tenure) {
            (Kin::Head, Tenure::Tenant) | (Kin::Housemate, _) => ResidentRole::Tenant,
            (Kin::Head, _) => ResidentRole::Owner,
            _ => ResidentRole::Member,
        };
        let adult = p.born <= 2004;
        let party_member = adult
            && rng.percent(match p.born {
                ..=1960 => 14,
                1961..=1980 => 9,
                _ => 5,
            });
        let phone = if adult && rng.percent(if p.born <= 1947 { 60 } else { 95 }) {
            *phones += 1;
            Some(phone(*phones))
        } else {
            None
        };
        let rid: ResidentId = id(format!("{}-{}", household.id, n + 1));
        if adult {
            adults.push(rid.clone());
        }
        residents.push(Resident {
            id: rid,
            household: household.id.clone(),
            name: Personal::new(full_name(rng, surname, p.sex, p.born)),
            phone,
            role,
            birth_year: Some(p.born),
            party_member,
            moved_in_year: Some(moved_in),
        });
    }
    adults
}

// ---------------------------------------------------------------------------
// Staff and volunteers.

struct StaffSpec {
    id: &'static str,
    role: StaffRole,
    skills: &'static [Skill],
    party: bool,
    hours: HoursSystem,
    base: Option<&'static str>,
    max_open: u8,
    since: NaiveDate,
}

const fn staff_spec(
    id: &'static str,
    role: StaffRole,
    skills: &'static [Skill],
    party: bool,
    base: Option<&'static str>,
    max_open: u8,
    since: NaiveDate,
) -> StaffSpec {
    let hours = match role {
        StaffRole::Security => HoursSystem::Comprehensive,
        _ => HoursSystem::Standard,
    };
    StaffSpec {
        id,
        role,
        skills,
        party,
        hours,
        base,
        max_open,
        since,
    }
}

/// The 23 staff of the first branch on this estate. Repair staff work from
/// different buildings so travel matters; security works the comprehensive
/// hours system; six are party members, the manager (the party branch
/// secretary) first among them.
#[rustfmt::skip]
const STAFF: [StaffSpec; 23] = [
    // id, role, skills, party member, base building, max open orders, employed since
    staff_spec(SECRETARY, R::Manager,         &[K::CustomerService, K::Mediation, K::FirstAid],                         true,  None,       3, ymd(2019, 3, 1)),
    staff_spec("S02",     R::Supervisor,      &[K::Plumbing, K::Electrical, K::GeneralRepair, K::Gas],                  true,  Some("B5"), 4, ymd(2017, 5, 15)),
    staff_spec("S03",     R::Supervisor,      &[K::GateControl, K::Patrol, K::Mediation, K::FirstAid, K::Disinfection], true,  None,       3, ymd(2018, 8, 1)),
    staff_spec("S04",     R::CustomerService, &[K::CustomerService, K::Mediation],                                      true,  None,       6, ymd(2020, 4, 1)),
    staff_spec("S05",     R::CustomerService, &[K::CustomerService],                                                    false, None,       6, ymd(2021, 9, 1)),
    staff_spec("S06",     R::Plumber,         &[K::Plumbing, K::Gas, K::GeneralRepair],                                 true,  Some("B3"), 5, ymd(2017, 6, 1)),
    staff_spec("S07",     R::Plumber,         &[K::Plumbing],                                                           false, Some("B7"), 5, ymd(2020, 11, 1)),
    staff_spec("S08",     R::Electrician,     &[K::Electrical, K::Elevator],                                            false, Some("B1"), 5, ymd(2018, 3, 1)),
    staff_spec("S09",     R::Electrician,     &[K::Electrical],                                                         false, Some("B6"), 5, ymd(2021, 5, 10)),
    staff_spec("S10",     R::GeneralRepair,   &[K::GeneralRepair, K::Plumbing],                                         false, Some("B4"), 5, ymd(2019, 7, 1)),
    staff_spec("S11",     R::GeneralRepair,   &[K::GeneralRepair],                                                      false, Some("B8"), 5, ymd(2022, 2, 15)),
    staff_spec("S12",     R::Security,        &[K::GateControl, K::Patrol, K::Disinfection, K::FirstAid],               true,  None,       2, ymd(2017, 6, 1)),
    staff_spec("S13",     R::Security,        &[K::GateControl, K::Patrol, K::Disinfection],                            false, None,       2, ymd(2018, 10, 8)),
    staff_spec("S14",     R::Security,        &[K::GateControl, K::Patrol],                                             false, None,       2, ymd(2019, 4, 1)),
    staff_spec("S15",     R::Security,        &[K::GateControl, K::Patrol, K::Delivery],                                false, None,       2, ymd(2020, 1, 6)),
    staff_spec("S16",     R::Security,        &[K::GateControl, K::Patrol, K::FirstAid],                                false, None,       2, ymd(2020, 7, 1)),
    staff_spec("S17",     R::Security,        &[K::GateControl, K::Patrol, K::Disinfection],                            false, None,       2, ymd(2021, 3, 15)),
    staff_spec("S18",     R::Security,        &[K::GateControl, K::Patrol],                                             false, None,       2, ymd(2021, 11, 1)),
    staff_spec("S19",     R::Security,        &[K::GateControl, K::Patrol, K::Delivery],                                false, None,       2, ymd(2022, 3, 1)),
    staff_spec("S20",     R::Cleaner,         &[K::Cleaning, K::Disinfection],                                          false, None,       3, ymd(2018, 5, 1)),
    staff_spec("S21",     R::Cleaner,         &[K::Cleaning, K::Disinfection],                                          false, None,       3, ymd(2019, 9, 1)),
    staff_spec("S22",     R::Cleaner,         &[K::Cleaning],                                                           false, None,       3, ymd(2021, 6, 15)),
    staff_spec("S23",     R::Greening,        &[K::Greening, K::Disinfection],                                          false, None,       3, ymd(2018, 4, 1)),
];

fn staff() -> Vec<StaffMember> {
    let mut rng = Rng::new(2);
    STAFF
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (name, phone) = if s.id == SECRETARY {
                // A real person: her name from the report, no invented contact data.
                (SECRETARY_NAME.to_owned(), None)
            } else {
                let sex = Sex::random(&mut rng);
                let born = rng.year(1966, 1998);
                let family = surname(&mut rng);
                (
                    full_name(&mut rng, family, sex, born),
                    Some(phone(STAFF_PHONES + i + 1)),
                )
            };
            StaffMember {
                id: id(s.id),
                name: Personal::new(name),
                phone,
                role: s.role,
                skills: s.skills.iter().copied().collect(),
                party_member: s.party,
                hours_system: s.hours,
                base_building: s.base.map(id),
                max_open_orders: s.max_open,
                employed_since: Some(s.since),
            }
        })
        .collect()
}

/// A recurring availability window during closed management.
struct Window {
    from: NaiveDate,
    weekdays: &'static [Weekday],
    start: (u16, u16),
    end: (u16, u16),
}

const WORKDAYS: &[Weekday] = &[
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
];
const WEEKEND: &[Weekday] = &[Weekday::Saturday, Weekday::Sunday];
const EVERY_DAY: &[Weekday] = &[];

/// The first shift each morning: spraying entrances and public spaces.
const EARLY_EVERY_DAY: Window = Window {
    from: CLOSED_FROM,
    weekdays: EVERY_DAY,
    start: (6, 0),
    end: (8, 0),
};
const DAY_AT_WEEKENDS: Window = Window {
    from: CLOSED_FROM,
    weekdays: WEEKEND,
    start: (8, 0),
    end: (20, 0),
};
const MORNINGS_ON_WORKDAYS: Window = Window {
    from: CLOSED_FROM,
    weekdays: WORKDAYS,
    start: (6, 0),
    end: (14, 0),
};
const AFTERNOONS: Window = Window {
    from: CLOSED_FROM,
    weekdays: EVERY_DAY,
    start: (14, 0),
    end: (22, 0),
};
const STUDENT_MORNINGS: Window = Window {
    from: STUDENTS_FROM,
    weekdays: EVERY_DAY,
    start: (6, 0),
    end: (14, 0),
};
const STUDENT_AFTERNOONS: Window = Window {
    from: STUDENTS_FROM,
    weekdays: WORKDAYS,
    start: (14, 0),
    end: (22, 0),
};
const STUDENT_WEEKENDS: Window = Window {
    from: STUDENTS_FROM,
    weekdays: WEEKEND,
    start: (8, 0),
    end: (20, 0),
};

struct VolunteerSpec {
    id: &'static str,
    kind: VolunteerKind,
    organisation: Option<&'static str>,
    skills: &'static [Skill],
    posts: &'static [&'static str],
    windows: &'static [Window],
}

const COMMUNITY_PARTY: Option<&str> = Some("Tianxiang Community Party Committee (天祥社区党委)");
const RESIDENT_PARTY: Option<&str> =
    Some("Babylon · Blue Diamond resident party members (小区党员)");
const STREET_OFFICE: Option<&str> = Some("Songcheng Street Office (宋城街道办事处)");
const NORMAL_UNIVERSITY: Option<&str> = Some("Shangqiu Normal University (商丘师范学院)");
const INSTITUTE: Option<&str> = Some("Shangqiu Institute of Technology (商丘工学院)");

const fn volunteer(
    id: &'static str,
    kind: VolunteerKind,
    organisation: Option<&'static str>,
    skills: &'static [Skill],
    posts: &'static [&'static str],
    windows: &'static [Window],
) -> VolunteerSpec {
    VolunteerSpec {
        id,
        kind,
        organisation,
        skills,
        posts,
        windows,
    }
}

/// Party-member volunteers (who took the early disinfection round and gate
/// shifts), university students (screening, gates, deliveries) and a few
/// residents (deliveries), all during closed management.
#[rustfmt::skip]
const VOLUNTEERS: [VolunteerSpec; 21] = [
    // id, kind, organisation, skills, posts offered, availability
    volunteer("V-PM-01", V::PartyMember, COMMUNITY_PARTY,   &[K::Disinfection, K::GateControl],    &["disinfection-am", "gate-north"], &[EARLY_EVERY_DAY, DAY_AT_WEEKENDS]),
    volunteer("V-PM-02", V::PartyMember, COMMUNITY_PARTY,   &[K::Disinfection],                    &["disinfection-am"],               &[EARLY_EVERY_DAY]),
    volunteer("V-PM-03", V::PartyMember, RESIDENT_PARTY,    &[K::Disinfection, K::Delivery],       &["disinfection-am", "delivery"],   &[EARLY_EVERY_DAY, AFTERNOONS]),
    volunteer("V-PM-04", V::PartyMember, RESIDENT_PARTY,    &[K::GateControl, K::Mediation],       &["gate-south", "screening"],       &[DAY_AT_WEEKENDS, MORNINGS_ON_WORKDAYS]),
    volunteer("V-PM-05", V::PartyMember, RESIDENT_PARTY,    &[K::Delivery],                        &["delivery"],                      &[AFTERNOONS]),
    volunteer("V-PM-06", V::PartyMember, RESIDENT_PARTY,    &[K::Disinfection, K::GateControl],    &["disinfection-am", "gate-south"], &[EARLY_EVERY_DAY, DAY_AT_WEEKENDS]),
    volunteer("V-PM-07", V::PartyMember, STREET_OFFICE,     &[K::GateControl],                     &["gate-north", "screening"],       &[MORNINGS_ON_WORKDAYS]),
    volunteer("V-PM-08", V::PartyMember, RESIDENT_PARTY,    &[K::FirstAid, K::Delivery],           &["delivery", "screening"],         &[MORNINGS_ON_WORKDAYS]),
    volunteer("V-ST-01", V::Student,     NORMAL_UNIVERSITY, &[K::GateControl, K::CustomerService], &["screening", "gate-north"],       &[STUDENT_MORNINGS]),
    volunteer("V-ST-02", V::Student,     NORMAL_UNIVERSITY, &[K::GateControl, K::CustomerService], &["screening", "gate-south"],       &[STUDENT_MORNINGS]),
    volunteer("V-ST-03", V::Student,     NORMAL_UNIVERSITY, &[K::Delivery],                        &["delivery"],                      &[STUDENT_AFTERNOONS]),
    volunteer("V-ST-04", V::Student,     NORMAL_UNIVERSITY, &[K::GateControl],                     &["screening", "gate-north"],       &[STUDENT_AFTERNOONS, STUDENT_WEEKENDS]),
    volunteer("V-ST-05", V::Student,     NORMAL_UNIVERSITY, &[K::Delivery, K::CustomerService],    &["delivery", "screening"],         &[STUDENT_AFTERNOONS]),
    volunteer("V-ST-06", V::Student,     NORMAL_UNIVERSITY, &[K::GateControl],                     &["screening"],                     &[STUDENT_MORNINGS]),
    volunteer("V-ST-07", V::Student,     NORMAL_UNIVERSITY, &[K::GateControl, K::Delivery],        &["gate-south", "delivery"],        &[STUDENT_WEEKENDS]),
    volunteer("V-ST-08", V::Student,     INSTITUTE,         &[K::GateControl],                     &["screening", "gate-north"],       &[STUDENT_MORNINGS]),
    volunteer("V-ST-09", V::Student,     INSTITUTE,         &[K::Delivery],                        &["delivery"],                      &[STUDENT_AFTERNOONS, STUDENT_WEEKENDS]),
    volunteer("V-ST-10", V::Student,     INSTITUTE,         &[K::GateControl, K::CustomerService], &["screening"],                     &[STUDENT_AFTERNOONS]),
    volunteer("V-RS-01", V::Resident,    None,              &[K::Delivery],                        &["delivery"],                      &[AFTERNOONS]),
    volunteer("V-RS-02", V::Resident,    None,              &[K::Delivery],                        &["delivery"],                      &[DAY_AT_WEEKENDS]),
    volunteer("V-RS-03", V::Resident,    None,              &[K::Delivery, K::FirstAid],           &["delivery"],                      &[AFTERNOONS]),
];

fn volunteers() -> Vec<Volunteer> {
    let mut rng = Rng::new(3);
    VOLUNTEERS
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let sex = Sex::random(&mut rng);
            let born = match v.kind {
                VolunteerKind::Student => rng.year(2000, 2003),
                _ => rng.year(1958, 1990),
            };
            let family = surname(&mut rng);
            Volunteer {
                id: id(v.id),
                name: Personal::new(full_name(&mut rng, family, sex, born)),
                phone: Some(phone(VOLUNTEER_PHONES + i + 1)),
                kind: v.kind,
                party_member: v.kind == VolunteerKind::PartyMember,
                organisation: v.organisation.map(str::to_owned),
                skills: v.skills.iter().copied().collect(),
                availability: v
                    .windows
                    .iter()
                    .map(|w| Availability {
                        from: w.from,
                        until: CLOSED_UNTIL,
                        weekdays: w.weekdays.iter().copied().collect(),
                        start: hm(w.start.0, w.start.1),
                        end: hm(w.end.0, w.end.1),
                    })
                    .collect(),
                posts: v.posts.iter().map(|&p| id(p)).collect(),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Governance: the "three in one" and the joint meeting.

const STREET: &str = "songcheng-street";
const COMMUNITY: &str = "tianxiang-community";
const OWNERS: &str = "owners-committee";
const POLICE: &str = "police-liaison";
const COMPANY: &str = "taiyuan-first-branch";
const REP_B2: &str = "rep-b2";
const REP_B5: &str = "rep-b5";
const REP_B8: &str = "rep-b8";

fn stakeholders() -> Vec<Stakeholder> {
    let mut rng = Rng::new(4);
    let table: [(&str, StakeholderKind, &str, Option<&str>); 8] = [
        (
            STREET,
            StakeholderKind::StreetOffice,
            "Songcheng Street Office, Suiyang District (睢阳区宋城街道办事处)",
            None,
        ),
        (
            COMMUNITY,
            StakeholderKind::CommunityOffice,
            "Tianxiang Community Residents' Committee (宋城街道天祥社区居委会)",
            None,
        ),
        (
            OWNERS,
            StakeholderKind::OwnersCommittee,
            "Babylon · Blue Diamond Owners' Committee (业主委员会)",
            None,
        ),
        (
            POLICE,
            StakeholderKind::PoliceLiaison,
            "Community police officer, Songcheng police station (社区民警)",
            None,
        ),
        (
            COMPANY,
            StakeholderKind::PropertyCompany,
            "Henan Taiyuan Property, First branch (泰元物业第一分公司)",
            None,
        ),
        (
            REP_B2,
            StakeholderKind::ResidentRepresentative,
            "Resident representative, Building 2 (居民代表)",
            Some("B2-0601"),
        ),
        (
            REP_B5,
            StakeholderKind::ResidentRepresentative,
            "Resident representative, Building 5 (居民代表)",
            Some("B5-0903"),
        ),
        (
            REP_B8,
            StakeholderKind::ResidentRepresentative,
            "Resident representative, Building 8 (居民代表)",
            Some("B8-0402"),
        ),
    ];
    table
        .into_iter()
        .enumerate()
        .map(|(i, (sid, kind, name, household))| {
            // The company's own contact is its branch lead, on the staff list.
            let contact = (kind != StakeholderKind::PropertyCompany).then(|| {
                let sex = Sex::random(&mut rng);
                let born = rng.year(1962, 1988);
                let family = surname(&mut rng);
                let who = full_name(&mut rng, family, sex, born);
                Personal::new(format!("{who} 1380000{:04}", CONTACT_PHONES + i + 1))
            });
            Stakeholder {
                id: id(sid),
                kind,
                name: name.to_owned(),
                contact,
                household: household.map(id),
            }
        })
        .collect()
}

/// Items of the joint meeting of 2022 (first Tuesday of the month, plus a
/// special meeting at the start of closed management).
fn meeting_items() -> Vec<MeetingItem> {
    struct Item {
        topic: MeetingTopic,
        title: &'static str,
        raised_by: &'static str,
        owner: &'static str,
        raised_on: NaiveDate,
        discussed_on: Option<NaiveDate>,
        status: ItemStatus,
        resolution: Option<&'static str>,
        building: Option<&'static str>,
    }
    let items = [
        Item {
            topic: MeetingTopic::EpidemicPrevention,
            title: "Staffing the gates and information screening during closed management",
            raised_by: COMMUNITY,
            owner: COMPANY,
            raised_on: ymd(2022, 4, 9),
            discussed_on: Some(ymd(2022, 4, 12)),
            status: ItemStatus::Resolved,
            resolution: Some(
                "Party-member and student volunteers join the gate, screening and delivery posts; the rota is posted daily in the owners' WeChat group.",
            ),
            building: None,
        },
        Item {
            topic: MeetingTopic::Parking,
            title: "Cars parked overnight in the fire lane east of Building 4",
            raised_by: OWNERS,
            owner: COMPANY,
            raised_on: ymd(2022, 8, 2),
            discussed_on: Some(ymd(2022, 9, 6)),
            status: ItemStatus::Resolved,
            resolution: Some(
                "Fire-lane markings repainted; the night patrol checks the lane at 22:00 and 02:00; visitors park in the south lot.",
            ),
            building: Some("B4"),
        },
        Item {
            topic: MeetingTopic::Fees,
            title: "Publish the annual account of the estate's public revenue (公共收益)",
            raised_by: REP_B5,
            owner: OWNERS,
            raised_on: ymd(2022, 9, 6),
            discussed_on: Some(ymd(2022, 10, 11)),
            status: ItemStatus::Resolved,
            resolution: Some(
                "The account was posted on every building's notice board on 20 October.",
            ),
            building: None,
        },
        Item {
            topic: MeetingTopic::Hygiene,
            title: "The bin point by the north gate overflows at weekends",
            raised_by: REP_B2,
            owner: COMPANY,
            raised_on: ymd(2022, 9, 6),
            discussed_on: Some(ymd(2022, 10, 11)),
            status: ItemStatus::Resolved,
            resolution: Some(
                "An extra collection on Saturday and Sunday mornings; the bins were moved under cover.",
            ),
            building: None,
        },
        Item {
            topic: MeetingTopic::NeighbourDispute,
            title: "Renovation noise after 20:00 in Building 6",
            raised_by: COMMUNITY,
            owner: COMMUNITY,
            raised_on: ymd(2022, 10, 11),
            discussed_on: Some(ymd(2022, 11, 1)),
            status: ItemStatus::Resolved,
            resolution: Some(
                "Mediated at the meeting: renovation work only 08:00-12:00 and 14:00-18:00, agreed in writing by both households.",
            ),
            building: Some("B6"),
        },
        Item {
            topic: MeetingTopic::Safety,
            title: "Electric bikes charged in stairwells",
            raised_by: POLICE,
            owner: COMPANY,
            raised_on: ymd(2022, 11, 1),
            discussed_on: Some(ymd(2022, 12, 6)),
            status: ItemStatus::InProgress,
            resolution: None,
            building: None,
        },
        Item {
            topic: MeetingTopic::Facilities,
            title: "The Building 1 lift stops between floors",
            raised_by: OWNERS,
            owner: COMPANY,
            raised_on: ymd(2022, 11, 1),
            discussed_on: Some(ymd(2022, 12, 6)),
            status: ItemStatus::InProgress,
            resolution: None,
            building: Some("B1"),
        },
        Item {
            topic: MeetingTopic::Parking,
            title: "Not enough parking spaces: mark spaces along the east road",
            raised_by: REP_B8,
            owner: OWNERS,
            raised_on: ymd(2022, 11, 1),
            discussed_on: Some(ymd(2022, 12, 6)),
            status: ItemStatus::Open,
            resolution: None,
            building: None,
        },
        Item {
            topic: MeetingTopic::NeighbourDispute,
            title: "Water stains blamed on the flat above, Building 2",
            raised_by: REP_B2,
            owner: COMMUNITY,
            raised_on: ymd(2022, 12, 6),
            discussed_on: Some(ymd(2022, 12, 6)),
            status: ItemStatus::InProgress,
            resolution: None,
            building: Some("B2"),
        },
        Item {
            topic: MeetingTopic::Hygiene,
            title: "Dog waste on the lawns of the central garden",
            raised_by: OWNERS,
            owner: COMMUNITY,
            raised_on: ymd(2022, 12, 6),
            discussed_on: None,
            status: ItemStatus::Open,
            resolution: None,
            building: None,
        },
    ];
    items
        .into_iter()
        .enumerate()
        .map(|(i, m)| MeetingItem {
            id: id(format!("JM-2022-{:02}", i + 1)),
            topic: m.topic,
            title: m.title.to_owned(),
            raised_by: id(m.raised_by),
            owner: id(m.owner),
            raised_on: m.raised_on,
            discussed_on: m.discussed_on,
            status: m.status,
            resolution: m.resolution.map(str::to_owned),
            building: m.building.map(id),
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Shifts, posts and operating periods.

/// A clock time as (hour, minute).
type Clock = (u16, u16);

/// A shift type: id, name, start, end, unpaid break in minutes.
struct ShiftSpec(&'static str, &'static str, Clock, Clock, u16);

const SHIFT_TYPES: [ShiftSpec; 6] = [
    ShiftSpec("day", "Day (白班)", (8, 0), (20, 0), 60),
    ShiftSpec("night", "Night (夜班)", (20, 0), (8, 0), 60),
    ShiftSpec("morning", "Morning (早班)", (6, 0), (14, 0), 30),
    ShiftSpec("afternoon", "Afternoon (中班)", (14, 0), (22, 0), 30),
    ShiftSpec("office", "Office hours (行政班)", (8, 30), (17, 30), 60),
    ShiftSpec(
        "early",
        "Early disinfection round (晨间消杀)",
        (6, 0),
        (8, 0),
        0,
    ),
];

fn shift_types() -> Vec<ShiftType> {
    SHIFT_TYPES
        .iter()
        .map(
            |&ShiftSpec(sid, name, start, end, break_minutes)| ShiftType {
                id: id(sid),
                name: name.to_owned(),
                start: hm(start.0, start.1),
                end: hm(end.0, end.1),
                break_minutes,
            },
        )
        .collect()
}

/// Demand of a post: in a mode, on a shift, on some weekdays (none = every
/// day), this many people.
struct Demand(OperatingMode, &'static str, &'static [Weekday], u16);

const CLOSED: OperatingMode = OperatingMode::ClosedManagement;
const NORMAL: OperatingMode = OperatingMode::Normal;

struct PostSpec {
    id: &'static str,
    name: &'static str,
    kind: PostKind,
    skill: Option<Skill>,
    volunteers: bool,
    demand: &'static [Demand],
}

/// The gates are covered around the clock, doubled in closed management;
/// the morning disinfection round runs daily in closed management and
/// weekly otherwise; screening and deliveries exist only in closed
/// management.
const POSTS: [PostSpec; 9] = [
    PostSpec {
        id: "gate-north",
        name: "North gate (北门)",
        kind: PostKind::Gate,
        skill: Some(K::GateControl),
        volunteers: true,
        demand: &[
            Demand(NORMAL, "day", EVERY_DAY, 1),
            Demand(NORMAL, "night", EVERY_DAY, 1),
            Demand(CLOSED, "day", EVERY_DAY, 2),
            Demand(CLOSED, "night", EVERY_DAY, 2),
        ],
    },
    PostSpec {
        id: "gate-south",
        name: "South gate (南门)",
        kind: PostKind::Gate,
        skill: Some(K::GateControl),
        volunteers: true,
        demand: &[
            Demand(NORMAL, "day", EVERY_DAY, 1),
            Demand(NORMAL, "night", EVERY_DAY, 1),
            Demand(CLOSED, "day", EVERY_DAY, 2),
            Demand(CLOSED, "night", EVERY_DAY, 2),
        ],
    },
    PostSpec {
        id: "disinfection-am",
        name: "Morning disinfection round (晨间消杀)",
        kind: PostKind::Disinfection,
        skill: Some(K::Disinfection),
        volunteers: true,
        demand: &[
            Demand(NORMAL, "early", &[Weekday::Monday], 1),
            Demand(CLOSED, "early", EVERY_DAY, 3),
        ],
    },
    PostSpec {
        id: "patrol",
        name: "Estate patrol (巡逻)",
        kind: PostKind::Patrol,
        skill: Some(K::Patrol),
        volunteers: false,
        demand: &[
            Demand(NORMAL, "day", EVERY_DAY, 1),
            Demand(NORMAL, "night", EVERY_DAY, 1),
            Demand(CLOSED, "day", EVERY_DAY, 1),
            Demand(CLOSED, "night", EVERY_DAY, 1),
        ],
    },
    PostSpec {
        id: "repair-on-call",
        name: "Repair on call (维修值班)",
        kind: PostKind::RepairOnCall,
        skill: None,
        volunteers: false,
        demand: &[
            Demand(NORMAL, "office", WORKDAYS, 3),
            Demand(NORMAL, "day", WEEKEND, 1),
            Demand(NORMAL, "night", EVERY_DAY, 1),
            Demand(CLOSED, "day", EVERY_DAY, 1),
            Demand(CLOSED, "night", EVERY_DAY, 1),
        ],
    },
    PostSpec {
        id: "service-desk",
        name: "Service desk (客服前台)",
        kind: PostKind::ServiceDesk,
        skill: Some(K::CustomerService),
        volunteers: false,
        demand: &[
            Demand(NORMAL, "office", WORKDAYS, 2),
            Demand(NORMAL, "office", WEEKEND, 1),
            Demand(CLOSED, "day", EVERY_DAY, 1),
        ],
    },
    PostSpec {
        id: "cleaning",
        name: "Cleaning round (保洁)",
        kind: PostKind::Cleaning,
        skill: Some(K::Cleaning),
        volunteers: false,
        demand: &[
            Demand(NORMAL, "morning", EVERY_DAY, 2),
            Demand(CLOSED, "morning", EVERY_DAY, 2),
        ],
    },
    PostSpec {
        id: "screening",
        name: "Information screening (信息排查)",
        kind: PostKind::Screening,
        skill: None,
        volunteers: true,
        demand: &[
            Demand(CLOSED, "morning", EVERY_DAY, 2),
            Demand(CLOSED, "afternoon", EVERY_DAY, 2),
        ],
    },
    PostSpec {
        id: "delivery",
        name: "Delivery of necessities (物资配送)",
        kind: PostKind::Delivery,
        skill: Some(K::Delivery),
        volunteers: true,
        demand: &[
            Demand(CLOSED, "morning", EVERY_DAY, 1),
            Demand(CLOSED, "afternoon", EVERY_DAY, 2),
        ],
    },
];

fn posts() -> Vec<Post> {
    POSTS
        .iter()
        .map(|p| Post {
            id: id(p.id),
            name: p.name.to_owned(),
            kind: p.kind,
            building: None,
            required_skill: p.skill,
            volunteers_allowed: p.volunteers,
            coverage: p
                .demand
                .iter()
                .map(|Demand(mode, shift, weekdays, headcount)| Coverage {
                    mode: *mode,
                    shift: id(*shift),
                    weekdays: weekdays.iter().copied().collect(),
                    headcount: *headcount,
                })
                .collect(),
        })
        .collect()
}

fn operating_periods() -> Vec<OperatingPeriod> {
    vec![OperatingPeriod {
        id: id("closed-2022-04"),
        mode: OperatingMode::ClosedManagement,
        from: CLOSED_FROM,
        until: CLOSED_UNTIL,
        reason: Some(
            "Epidemic closed management of residential estates ordered by the district (封闭管理)"
                .to_owned(),
        ),
    }]
}

// ---------------------------------------------------------------------------
// A week of work orders.

/// Where a kind of request happens.
#[derive(Clone, Copy)]
enum Place {
    /// In a household's unit.
    Unit,
    /// In a building's common parts (the area).
    Block(&'static str),
    /// In the grounds (the place's name).
    Grounds(&'static str),
}

/// A kind of request residents make, with what was done about it.
struct Request {
    category: Category,
    place: Place,
    text: &'static str,
    note: &'static str,
    weight: u32,
}

const fn request(
    category: Category,
    place: Place,
    weight: u32,
    text: &'static str,
    note: &'static str,
) -> Request {
    Request {
        category,
        place,
        text,
        note,
        weight,
    }
}

/// The everyday requests of a 500-household estate, weighted by how often
/// they come in.
#[rustfmt::skip]
const REQUESTS: [Request; 41] = [
    // category, place, weight; what the resident says; what was done
    request(C::Plumbing,         Unit,                                      6,
            "Bathroom floor drain blocked; water drains slowly.",
            "Cleared the trap and flushed the drain."),
    request(C::Plumbing,         Unit,                                      5,
            "Toilet cistern keeps running.",
            "Replaced the fill valve."),
    request(C::Plumbing,         Unit,                                      4,
            "Kitchen tap dripping.",
            "Replaced the tap cartridge."),
    request(C::Plumbing,         Block("water riser cupboard"),             2,
            "Water meter valve dripping in the riser cupboard.",
            "Tightened the valve gland and replaced the washer."),
    request(C::Electrical,       Unit,                                      3,
            "Living-room sockets have no power.",
            "Reset the residual-current breaker; replaced a faulty socket."),
    request(C::Electrical,       Unit,                                      3,
            "Breaker trips when the heater and the kettle are on together.",
            "Moved the heater to another circuit; explained the load limits."),
    request(C::Electrical,       Block("stairwell lights"),                 3,
            "Stairwell lights out on several floors.",
            "Replaced the motion-sensor lamps."),
    request(C::Electrical,       Grounds("South car park"),                 2,
            "Street lamp in the south car park not working.",
            "Replaced the lamp driver."),
    request(C::Elevator,         Block("lift"),                             1,
            "Lift doors close too quickly.",
            "Adjusted the door sensor; the lift company was informed."),
    request(C::Elevator,         Block("lift"),                             1,
            "Lift makes a grinding noise between floors.",
            "The lift company serviced the guide shoes."),
    request(C::DoorsWindows,     Block("unit entrance door"),               3,
            "Entrance door closer broken; the door slams.",
            "Adjusted the door closer."),
    request(C::DoorsWindows,     Unit,                                      3,
            "Window handle broken; the window will not close.",
            "Fitted a new handle."),
    request(C::DoorsWindows,     Unit,                                      2,
            "Front door lock is stiff.",
            "Lubricated and adjusted the lock."),
    request(C::DoorsWindows,     Block("entrance access control"),          2,
            "Card reader at the unit entrance does not respond.",
            "Replaced the card reader's power supply."),
    request(C::Structure,        Unit,                                      2,
            "Damp patch on the bedroom ceiling.",
            "Resealed the joint above; to be checked again in a week."),
    request(C::Structure,        Block("stairwell"),                        1,
            "Cracked tiles on a stairwell landing.",
            "Replaced the cracked tiles."),
    request(C::Facilities,       Unit,                                      2,
            "Door intercom does not ring.",
            "Reconnected the intercom cable."),
    request(C::Facilities,       Block("fire equipment"),                   1,
            "Fire extinguisher missing from a landing.",
            "Installed a new extinguisher and checked the others."),
    request(C::Facilities,       Block("mailboxes"),                        1,
            "Mailbox door broken.",
            "Replaced the hinge."),
    request(C::Hygiene,          Grounds("Bin point by the north gate"),    3,
            "Rubbish bins overflowing.",
            "Emptied the bins; an extra collection was arranged."),
    request(C::Hygiene,          Block("stairwell"),                        3,
            "Stairwell not swept for several days.",
            "Cleaned the stairwell; added it to the daily round."),
    request(C::Hygiene,          Block("corridor"),                         2,
            "Renovation waste left in the corridor.",
            "Removed the waste; reminded the renovating household."),
    request(C::Greening,         Grounds("Central garden"),                 3,
            "Hedge overgrown and blocking the path.",
            "Trimmed the hedge."),
    request(C::Greening,         Block("south side"),                       3,
            "Tree branches touching the windows.",
            "Pruned the branches."),
    request(C::Pest,             Unit,                                      2,
            "Cockroaches in the kitchen; asking for pest control.",
            "Applied gel bait in the kitchen and the drains."),
    request(C::Pest,             Grounds("Bin point by Building 7"),        1,
            "Rats seen near the bin point.",
            "Set bait stations; sealed a gap under the bin shelter."),
    request(C::Parking,          Grounds("Underground car park entrance"),  2,
            "A car is parked across the car-park entrance.",
            "Phoned the owner, who moved the car."),
    request(C::Parking,          Grounds("Fire lane east of Building 4"),   2,
            "A non-resident car is parked in the fire lane.",
            "The car was moved; the gate will stop it next time."),
    request(C::Parking,          Block("unit entrance"),                    2,
            "Electric bikes block the building entrance.",
            "Moved the bikes to the shed; posted a notice."),
    request(C::Noise,            Unit,                                      2,
            "Loud music from the flat above late at night.",
            "Spoke to the neighbour; the music stopped."),
    request(C::Noise,            Unit,                                      2,
            "Renovation drilling next door before 8 a.m.",
            "Reminded the renovating household of the permitted hours."),
    request(C::NeighbourDispute, Unit,                                      2,
            "The neighbour's shoe rack and boxes block the shared corridor.",
            "Mediated; the neighbour moved the items."),
    request(C::NeighbourDispute, Unit,                                      1,
            "Dispute with the neighbour over a smell from a shared drain.",
            "Inspected the drain; mediated between the two households."),
    request(C::Security,         Block("unit entrance"),                    1,
            "A stranger is going door to door with flyers.",
            "Security escorted the person out and removed the flyers."),
    request(C::Security,         Grounds("East side gate"),                 1,
            "Side gate left unlocked at night.",
            "Locked the gate; added it to the night patrol checklist."),
    request(C::Inquiry,          Unit,                                      2,
            "How do I apply for a parking permit?",
            "Explained the procedure and the forms."),
    request(C::Inquiry,          Unit,                                      1,
            "When will the water be back on after the maintenance?",
            "Told the resident the time."),
    request(C::Complaint,        Unit,                                      1,
            "The repair visit came later than promised.",
            "Apologised; the visit was rescheduled for a fixed time."),
    request(C::Plumbing,         Unit,                                      2,
            "Washing-machine drain hose connection leaking.",
            "Replaced the hose connector."),
    request(C::Hygiene,          Grounds("South car park"),                 1,
            "Leaves and rubbish piled up in the car park.",
            "Swept the car park."),
    request(C::Electrical,       Block("corridor"),                         1,
            "Corridor emergency light stays off.",
            "Replaced the emergency light's battery."),
];

/// Who is sent for an order of each category.
fn crew(category: Category) -> &'static [&'static str] {
    match category {
        C::Plumbing | C::Gas => &["S06", "S07"],
        C::Electrical => &["S08", "S09"],
        C::Elevator => &["S08"],
        C::DoorsWindows | C::Structure | C::Facilities => &["S10", "S11"],
        C::Hygiene => &["S20", "S21", "S22"],
        C::Greening | C::Pest => &["S23"],
        C::Parking | C::Security | C::Noise => &["S03", "S12", "S13", "S16"],
        C::NeighbourDispute | C::Complaint => &["S01", "S04"],
        _ => &["S04", "S05"],
    }
}

/// Desk staff who triage orders during office hours.
const DESK: [&str; 2] = ["S04", "S05"];
/// Guards who find things on patrol.
const PATROL: [&str; 4] = ["S13", "S14", "S17", "S18"];

/// Minutes a job of each category takes on site.
fn job_minutes(category: Category) -> (i64, i64) {
    match category {
        C::Structure | C::Greening => (60, 180),
        C::Plumbing | C::Elevator => (30, 120),
        C::NeighbourDispute => (60, 240),
        C::Hygiene | C::Pest | C::Noise | C::Complaint => (20, 60),
        C::Parking | C::Security => (10, 40),
        C::Inquiry => (5, 20),
        _ => (20, 90),
    }
}

/// How often reports come in by hour of day.
const HOURLY: [u32; 24] = [
    1, 1, 0, 0, 0, 1, 3, 6, 10, 10, 9, 8, 7, 8, 9, 9, 8, 8, 9, 9, 8, 6, 4, 2,
];

/// Appends events to an order as long as they happened by `now`.
struct History<'a> {
    order: &'a mut WorkOrder,
    now: DateTime<FixedOffset>,
}

impl History<'_> {
    /// Appends `event` if it happened by now; false (and nothing appended)
    /// if it lies in the future.
    fn push(&mut self, event: WorkOrderEvent) -> bool {
        if event.at() > self.now {
            return false;
        }
        self.order.events.push(event);
        true
    }
}

/// When the desk gets to an order reported at `t`: at once by day, at
/// 08:30 the next morning for non-urgent reports in the night.
fn desk_time(rng: &mut Rng, t: DateTime<FixedOffset>, urgent: bool) -> DateTime<FixedOffset> {
    let m = minute_of_day(t);
    if urgent || (7 * 60..21 * 60).contains(&m) {
        t + minutes(rng.range(2, 20))
    } else if m < 7 * 60 {
        at(t.date_naive(), 8 * 60 + 30 + rng.range(0, 20))
    } else {
        at(
            t.date_naive() + TimeDelta::days(1),
            8 * 60 + 30 + rng.range(0, 20),
        )
    }
}

/// Moves non-urgent site work into working hours (08:00-19:00).
fn working_time(rng: &mut Rng, t: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    let m = minute_of_day(t);
    if m < 8 * 60 {
        at(t.date_naive(), 8 * 60 + rng.range(0, 40))
    } else if m > 19 * 60 {
        at(
            t.date_naive() + TimeDelta::days(1),
            8 * 60 + 30 + rng.range(0, 40),
        )
    } else {
        t
    }
}

/// Walks an order through triage, assignment, work, resolution and the
/// return visit, stopping at `now`.
fn walk(rng: &mut Rng, order: &mut WorkOrder, note: &str, now: DateTime<FixedOffset>) {
    let urgent = !order.hazards.is_empty();
    let category = order.category;
    let mut h = History { order, now };
    let mut t = desk_time(rng, h.order.reported_at, urgent);
    let by = (8 * 60 + 30..17 * 60 + 30)
        .contains(&minute_of_day(t))
        .then(|| id(*rng.pick(&DESK)));
    if !h.push(WorkOrderEvent::Triaged { at: t, by }) {
        return;
    }
    if rng.percent(4) {
        t += minutes(rng.range(5, 60));
        let reason = if rng.percent(50) {
            "Duplicate of an earlier report."
        } else {
            "Withdrawn: the resident sorted it out."
        };
        h.push(WorkOrderEvent::Cancelled {
            at: t,
            reason: Some(reason.to_owned()),
        });
        return;
    }
    t += minutes(if urgent {
        rng.range(1, 5)
    } else {
        rng.range(5, 45)
    });
    let staff: StaffId = id(*rng.pick(crew(category)));
    if !h.push(WorkOrderEvent::Assigned { at: t, staff }) {
        return;
    }
    t = if urgent {
        t + minutes(rng.range(5, 20))
    } else {
        let ready = t + minutes(rng.range(20, 180));
        working_time(rng, ready)
    };
    if !h.push(WorkOrderEvent::Started { at: t }) {
        return;
    }
    let (lo, hi) = job_minutes(category);
    t += minutes(rng.range(lo, hi));
    if !h.push(WorkOrderEvent::Resolved {
        at: t,
        note: Some(note.to_owned()),
    }) {
        return;
    }
    // The return visit (回访): a call the next day or the day after.
    let visit = t.date_naive() + TimeDelta::days(rng.range(1, 2));
    h.push(WorkOrderEvent::Closed {
        at: at(visit, rng.range(10 * 60, 17 * 60)),
    });
}

/// A new order with a temporary id (renumbered once all are sorted).
fn order(
    key: &str,
    category: Category,
    location: Location,
    reported_at: DateTime<FixedOffset>,
    reported_by: Reporter,
    channel: Channel,
    description: &str,
) -> WorkOrder {
    WorkOrder {
        id: id(format!("tmp-{key}")),
        category,
        location,
        reported_at,
        reported_by,
        channel,
        description: description.to_owned(),
        hazards: BTreeSet::new(),
        households_affected: 1,
        follow_up_of: None,
        events: Vec::new(),
    }
}

fn in_home(household: &str) -> Location {
    Location::Household {
        household: id(household),
    }
}

fn resident(r: ResidentId) -> Reporter {
    Reporter::Resident { resident: r }
}

fn by_staff(s: &str) -> Reporter {
    Reporter::Staff { staff: id(s) }
}

fn triaged(at: DateTime<FixedOffset>, by: Option<&str>) -> WorkOrderEvent {
    WorkOrderEvent::Triaged { at, by: by.map(id) }
}

fn assigned(at: DateTime<FixedOffset>, staff: &str) -> WorkOrderEvent {
    WorkOrderEvent::Assigned {
        at,
        staff: id(staff),
    }
}

fn resolved(at: DateTime<FixedOffset>, note: &str) -> WorkOrderEvent {
    WorkOrderEvent::Resolved {
        at,
        note: Some(note.to_owned()),
    }
}

/// The hand-written orders of the story: the leak and its follow-up, a
/// reopened drain, an order waiting for parts, a lift entrapment, a joint
/// meeting's parking order, a mediation, and the morning's new reports.
fn story_orders(pop: &Population) -> Vec<WorkOrder> {
    use WorkOrderEvent as E;
    let mut orders = Vec::new();

    // The kitchen leak: reported in the morning, someone there within the half hour.
    let mut leak = order(
        "leak",
        C::Plumbing,
        in_home(LEAK_HOUSEHOLD),
        dec(14, 8, 36),
        resident(pop.head(LEAK_HOUSEHOLD)),
        Channel::Phone,
        "Kitchen drain pipe leaking under the sink; dirty water is backing up over the kitchen floor and coming through the ceiling of 1102 below.",
    );
    leak.hazards.insert(Hazard::WaterIngress);
    leak.households_affected = 2;
    leak.events = vec![
        triaged(dec(14, 8, 39), Some("S04")),
        assigned(dec(14, 8, 41), "S06"),
        E::Started { at: dec(14, 8, 58) },
    ];
    orders.push(leak);

    // The flat below phones too: the same leak.
    let mut below = order(
        "leak-below",
        C::Plumbing,
        in_home("B3-1102"),
        dec(14, 8, 47),
        resident(pop.head("B3-1102")),
        Channel::Phone,
        "Water dripping from the kitchen ceiling.",
    );
    below.hazards.insert(Hazard::WaterIngress);
    below.events = vec![
        triaged(dec(14, 8, 50), Some("S04")),
        E::Cancelled {
            at: dec(14, 8, 52),
            reason: Some(
                "Same leak as the flat above (1202); handled under that order.".to_owned(),
            ),
        },
    ];
    orders.push(below);

    // The follow-up: the whole building's kitchen drains, raised from site.
    let b3 = BUILDINGS.iter().find(|b| b.id == "B3");
    let b3_households = b3.map_or(1, |b| u32::from(b.floors * b.per_floor));
    let mut follow = order(
        "leak-follow-up",
        C::Plumbing,
        Location::Building {
            building: id("B3"),
            area: Some("kitchen drain risers and joints, all floors".to_owned()),
        },
        dec(14, 9, 35),
        by_staff("S06"),
        Channel::Patrol,
        "Follow-up to the 1202 kitchen leak: the drain joints are corroded; inspect and repair the kitchen drain pipes of the whole building.",
    );
    follow.households_affected = b3_households;
    follow.follow_up_of = Some(id("tmp-leak"));
    follow.events = vec![triaged(dec(14, 9, 41), Some("S02"))];
    orders.push(follow);

    // A drain that blocked again after it was closed; fixed properly the second time.
    let mut drain = order(
        "drain-reopened",
        C::Plumbing,
        in_home("B6-0703"),
        dec(9, 19, 10),
        resident(pop.head("B6-0703")),
        Channel::Wechat,
        "Bathroom floor drain blocked; water stands in the shower.",
    );
    drain.events = vec![
        triaged(dec(9, 19, 25), None),
        assigned(dec(10, 8, 35), "S07"),
        E::Started { at: dec(10, 9, 5) },
        resolved(dec(10, 9, 50), "Cleared hair and grease from the trap."),
        E::Closed {
            at: dec(11, 10, 20),
        },
        E::Reopened {
            at: dec(13, 8, 10),
            reason: Some("Blocked again two days later.".to_owned()),
        },
        assigned(dec(13, 8, 30), "S07"),
        E::Started { at: dec(13, 14, 0) },
        resolved(
            dec(13, 15, 20),
            "Replaced the corroded trap; the drain runs freely.",
        ),
    ];
    orders.push(drain);

    // Stairwell lights that flicker again: reopened, waiting to be assigned.
    let mut lights = order(
        "lights-reopened",
        C::Electrical,
        Location::Building {
            building: id("B5"),
            area: Some("stairwell lights, floors 9-10".to_owned()),
        },
        dec(9, 20, 5),
        by_staff("S14"),
        Channel::Patrol,
        "Stairwell lights flicker on floor 10.",
    );
    lights.events = vec![
        triaged(dec(10, 8, 40), Some("S05")),
        assigned(dec(10, 8, 45), "S09"),
        E::Started {
            at: dec(10, 10, 10),
        },
        resolved(dec(10, 10, 50), "Replaced the flickering lamp on floor 10."),
        E::Closed { at: dec(11, 9, 0) },
        E::Reopened {
            at: dec(13, 20, 15),
            reason: Some(
                "Lamps on floors 9 and 10 flicker again; the sensor may be faulty.".to_owned(),
            ),
        },
    ];
    orders.push(lights);

    // An entrance door waiting for a part.
    let mut door = order(
        "door-on-hold",
        C::DoorsWindows,
        Location::Building {
            building: id("B2"),
            area: Some("unit entrance door".to_owned()),
        },
        dec(9, 11, 20),
        resident(pop.head("B2-0601")),
        Channel::WalkIn,
        "The entrance door's closer is broken and the door does not latch.",
    );
    door.events = vec![
        triaged(dec(9, 11, 25), Some("S04")),
        assigned(dec(9, 11, 40), "S10"),
        E::Started { at: dec(9, 14, 30) },
        E::OnHold {
            at: dec(9, 15, 10),
            reason: HoldReason::PartsOnOrder,
        },
    ];
    orders.push(door);

    // Raised at the joint meeting of 6 December.
    let mut lane = order(
        "fire-lane",
        C::Parking,
        Location::CommonArea {
            name: "Fire lane east of Building 4".to_owned(),
        },
        dec(8, 9, 30),
        Reporter::Stakeholder {
            stakeholder: id(OWNERS),
        },
        Channel::JointMeeting,
        "Repaint the no-parking markings in the fire lane and check it at night (joint meeting of 6 December).",
    );
    lane.events = vec![
        triaged(dec(8, 9, 40), Some("S04")),
        assigned(dec(8, 10, 0), "S03"),
        E::Started { at: dec(9, 14, 0) },
        resolved(
            dec(10, 16, 30),
            "Markings repainted; the night patrol checks the lane at 22:00 and 02:00.",
        ),
        E::Closed { at: dec(12, 10, 0) },
    ];
    orders.push(lane);

    // People trapped in a lift: minutes count.
    let b1_home = pop
        .homes
        .iter()
        .find(|h| h.building == 0 && !h.adults.is_empty());
    let trapped_by = b1_home
        .and_then(|h| h.adults.first().cloned())
        .map_or(Reporter::Anonymous, resident);
    let mut lift = order(
        "lift-entrapment",
        C::Elevator,
        Location::Building {
            building: id("B1"),
            area: Some("lift".to_owned()),
        },
        dec(10, 18, 32),
        trapped_by,
        Channel::Phone,
        "Lift stopped between floors 7 and 8 with two people inside.",
    );
    lift.hazards.insert(Hazard::ElevatorEntrapment);
    lift.events = vec![
        triaged(dec(10, 18, 33), None),
        assigned(dec(10, 18, 34), "S08"),
        E::Started {
            at: dec(10, 18, 44),
        },
        resolved(
            dec(10, 18, 58),
            "Released both residents safely; the lift company checked the door lock the next morning.",
        ),
        E::Closed { at: dec(11, 10, 0) },
    ];
    orders.push(lift);

    // Sparks from a socket in a flat with a baby.
    let mut sparks = order(
        "sparks",
        C::Electrical,
        in_home("B5-0402"),
        dec(12, 21, 15),
        resident(pop.head("B5-0402")),
        Channel::Phone,
        "Sparks and a burning smell from the socket behind the fridge.",
    );
    sparks.hazards.insert(Hazard::Electrical);
    sparks.events = vec![
        triaged(dec(12, 21, 17), None),
        assigned(dec(12, 21, 20), "S09"),
        E::Started {
            at: dec(12, 21, 45),
        },
        resolved(
            dec(12, 22, 30),
            "Replaced the burnt socket and checked the circuit.",
        ),
        E::Closed {
            at: dec(13, 10, 30),
        },
    ];
    orders.push(sparks);

    // A dispute the manager mediates in person.
    let mut dispute = order(
        "dispute",
        C::NeighbourDispute,
        in_home("B7-0503"),
        dec(12, 10, 5),
        resident(pop.head("B7-0503")),
        Channel::WalkIn,
        "The air conditioner of the flat above drips onto our balcony; talking to them has not helped.",
    );
    dispute.events = vec![
        triaged(dec(12, 10, 10), Some("S04")),
        assigned(dec(12, 10, 30), "S01"),
        E::Started { at: dec(13, 16, 0) },
    ];
    orders.push(dispute);

    // This morning's reports, not yet dispatched.
    let mut sliding = order(
        "sliding-door",
        C::DoorsWindows,
        in_home("B7-0503"),
        dec(14, 9, 12),
        resident(pop.head("B7-0503")),
        Channel::Wechat,
        "Balcony sliding door has come off its track.",
    );
    sliding.events = vec![triaged(dec(14, 9, 20), Some("S05"))];
    orders.push(sliding);
    orders.push(order(
        "toilet",
        C::Plumbing,
        in_home("B8-0205"),
        dec(14, 9, 51),
        resident(pop.head("B8-0205")),
        Channel::Phone,
        "Toilet blocked; it cannot be flushed.",
    ));
    orders.push(order(
        "stairwell-b8",
        C::Hygiene,
        Location::Building {
            building: id("B8"),
            area: Some("stairwell, entrance 2".to_owned()),
        },
        dec(14, 9, 57),
        resident(pop.head("B8-0402")),
        Channel::Wechat,
        "Stairwell of entrance 2 not swept since the weekend.",
    ));
    orders
}

/// Everyday orders reported on the demo date before 08:00.
const EARLY_REPORTS_TODAY: i64 = 4;

/// The week's everyday orders, walked through their lifecycles up to `now`.
fn everyday_orders(pop: &Population, now: DateTime<FixedOffset>) -> Vec<WorkOrder> {
    let mut rng = Rng::new(5);
    let weights: Vec<(usize, u32)> = REQUESTS
        .iter()
        .enumerate()
        .map(|(i, r)| (i, r.weight))
        .collect();
    let hours: Vec<(i64, u32)> = (0..24).zip(HOURLY).collect();
    // This morning: a few reports before 08:00, then the story's orders from
    // 08:36 on, so the leak and its follow-up keep their numbers.
    let today_hours: Vec<(i64, u32)> = (0..8).zip(HOURLY).collect();
    let mut orders = Vec::new();
    let mut day = WEEK_FIRST;
    while day <= DEMO_DATE {
        let today = day == DEMO_DATE;
        let count = if today {
            EARLY_REPORTS_TODAY
        } else {
            rng.range(10, 14)
        };
        for n in 0..count {
            let hour = rng.weighted(if today { &today_hours } else { &hours });
            let reported_at = at(day, hour * 60 + rng.range(0, 59));
            let Some(req) = REQUESTS.get(rng.weighted(&weights)) else {
                continue;
            };
            let mut home = rng.pick(&pop.homes);
            if req.category == C::Elevator {
                // Only the lift buildings have lifts.
                while !BUILDINGS.get(home.building).is_some_and(|b| b.lift) {
                    home = rng.pick(&pop.homes);
                }
            }
            let building = BUILDINGS.get(home.building).map_or("B1", |b| b.id);
            let head = home.adults.first().cloned();
            let (location, found_on_patrol) = match req.place {
                Unit => (
                    Location::Household {
                        household: home.id.clone(),
                    },
                    false,
                ),
                Block(area) => (
                    Location::Building {
                        building: id(building),
                        area: Some(area.to_owned()),
                    },
                    rng.percent(25),
                ),
                Grounds(name) => (
                    Location::CommonArea {
                        name: name.to_owned(),
                    },
                    rng.percent(40),
                ),
            };
            let (reported_by, channel) = match head {
                Some(r) if !found_on_patrol => (
                    resident(r),
                    rng.weighted(&[
                        (Channel::Phone, 40),
                        (Channel::Wechat, 45),
                        (Channel::WalkIn, 15),
                    ]),
                ),
                _ => {
                    let guard = *rng.pick(&PATROL);
                    (by_staff(guard), Channel::Patrol)
                }
            };
            let mut o = order(
                &format!("{day}-{n}"),
                req.category,
                location,
                reported_at,
                reported_by,
                channel,
                req.text,
            );
            walk(&mut rng, &mut o, req.note, now);
            orders.push(o);
        }
        day += TimeDelta::days(1);
    }
    orders
}

/// All orders of the week, numbered `WO-yymmdd-nnn` in the order they came in.
fn work_orders(pop: &Population, now: DateTime<FixedOffset>) -> Vec<WorkOrder> {
    let mut orders = story_orders(pop);
    orders.extend(everyday_orders(pop, now));
    orders.sort_by(|a, b| (a.reported_at, &a.id).cmp(&(b.reported_at, &b.id)));
    let mut renamed: BTreeMap<WorkOrderId, WorkOrderId> = BTreeMap::new();
    let mut per_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for o in &mut orders {
        let date = o.reported_at.date_naive();
        let n = per_day.entry(date).or_insert(0);
        *n += 1;
        let new: WorkOrderId = id(format!("WO-{}-{:03}", date.format("%y%m%d"), n));
        renamed.insert(std::mem::replace(&mut o.id, new.clone()), new);
    }
    for o in &mut orders {
        if let Some(f) = o.follow_up_of.take() {
            o.follow_up_of = renamed.get(&f).cloned();
        }
    }
    orders
}

// ---------------------------------------------------------------------------
// Ratings and the annual survey.

const RATING_COMMENTS_GOOD: [&str; 3] = [
    "师傅来得很快，修得也干净。",
    "态度很好，谢谢！",
    "Came on time and explained what was wrong.",
];
const RATING_COMMENTS_MIXED: [&str; 2] = [
    "修好了，就是等得有点久。",
    "Fixed, but I had to call twice.",
];
const RATING_COMMENTS_POOR: [&str; 2] = ["问题没有彻底解决。", "上门时间一拖再拖。"];

/// The dimension a category's service is judged on.
fn service_dimension(category: Category) -> &'static str {
    match category {
        C::Hygiene | C::Pest => "cleaning_environment",
        C::Greening => "greening",
        C::Parking | C::Security | C::Noise | C::NeighbourDispute => "security_order",
        C::Inquiry | C::Complaint => "customer_service",
        C::Elevator | C::Facilities => "facilities",
        _ => "repairs_maintenance",
    }
}

/// Return-visit ratings (回访) of most resolved orders reported by residents.
fn ratings(orders: &[WorkOrder], now: DateTime<FixedOffset>) -> Vec<Rating> {
    let mut rng = Rng::new(6);
    let mut out = Vec::new();
    for o in orders {
        let Reporter::Resident { resident } = &o.reported_by else {
            continue;
        };
        let resolved_at = o.events.iter().find_map(|e| match e {
            WorkOrderEvent::Resolved { at, .. } => Some(*at),
            _ => None,
        });
        let closed_at = o.events.iter().find_map(|e| match e {
            WorkOrderEvent::Closed { at } => Some(*at),
            _ => None,
        });
        let at = match (closed_at, resolved_at) {
            (Some(closed), _) => closed,
            (None, Some(resolved)) => resolved + minutes(rng.range(60, 300)),
            (None, None) => continue,
        };
        if at > now || !rng.percent(82) {
            continue;
        }
        let mut score: u8 = rng.weighted(&[(5, 55), (4, 27), (3, 10), (2, 5), (1, 3)]);
        if o.reopen_count() > 0 {
            score = score.min(3);
        }
        let mut dimensions = BTreeMap::new();
        if rng.percent(55) {
            let nudge = rng.weighted(&[(0i64, 70), (-1, 20), (1, 10)]);
            let s = (i64::from(score) + nudge).clamp(1, 5) as u8;
            dimensions.insert(id(service_dimension(o.category)), s);
            if rng.percent(50) {
                dimensions.insert(id("customer_service"), score);
            }
            if rng.percent(30) {
                let s = (i64::from(score) - i64::from(rng.percent(30))).max(1) as u8;
                dimensions.insert(id("communication"), s);
            }
        }
        let comment = rng.percent(15).then(|| {
            let pool: &[&str] = match score {
                5 => &RATING_COMMENTS_GOOD,
                3 | 4 => &RATING_COMMENTS_MIXED,
                _ => &RATING_COMMENTS_POOR,
            };
            Personal::new(*rng.pick(pool))
        });
        out.push(Rating {
            id: id(format!("RT-{}", o.id.as_str().trim_start_matches("WO-"))),
            work_order: o.id.clone(),
            at,
            score,
            dimensions,
            comment,
            rated_by: Some(resident.clone()),
        });
    }
    out
}

/// How each dimension tends to score against the respondent's mood, in
/// tenths of a point (repairs and facilities draw the most criticism).
fn dimension_lean(dimension: &str) -> i64 {
    match dimension {
        "customer_service" | "security_order" => 2,
        "greening" => 1,
        "repairs_maintenance" => -3,
        "facilities" => -2,
        _ => 0,
    }
}

const SURVEY_COMMENTS: [(u8, &str); 5] = [
    (5, "物业服务很贴心，报修来得快。"),
    (4, "总体不错，晚上停车比较难。"),
    (3, "维修排期太慢。"),
    (2, "楼里下水道老是堵，反映了没人跟进。"),
    (1, "Nobody follows up on complaints in our building."),
];

/// The 2022 annual survey: about 45% of occupied households answered,
/// except in Building 9 where the paper forms went missing and only three
/// did (too few to report on their own).
fn survey(pop: &Population, dimensions: &[SurveyDimension]) -> Vec<SurveyResponse> {
    let mut rng = Rng::new(7);
    let b9 = BUILDINGS.iter().position(|b| b.id == "B9");
    let b9_homes: Vec<usize> = (0..pop.homes.len())
        .filter(|&i| pop.homes.get(i).map(|h| h.building) == b9)
        .collect();
    let mut b9_answering = BTreeSet::new();
    while b9_answering.len() < 3.min(b9_homes.len()) {
        b9_answering.insert(*rng.pick(&b9_homes));
    }
    let mut out = Vec::new();
    for (i, home) in pop.homes.iter().enumerate() {
        let answers = if Some(home.building) == b9 {
            b9_answering.contains(&i)
        } else {
            rng.percent(45)
        };
        let Some(spec) = BUILDINGS.get(home.building).filter(|_| answers) else {
            continue;
        };
        // Mood in tenths of a point: the building's, plus the person's own.
        let mood = 41 + spec.mood + rng.range(-8, 8);
        let scores: BTreeMap<_, u8> = dimensions
            .iter()
            .map(|d| {
                let tenths = mood + dimension_lean(d.id.as_str()) + rng.range(-7, 7);
                (d.id.clone(), ((tenths + 5) / 10).clamp(1, 5) as u8)
            })
            .collect();
        let sum: i64 = scores.values().map(|&s| i64::from(s)).sum();
        let mean_tenths = sum * 10 / scores.len().max(1) as i64;
        let overall = ((mean_tenths + rng.range(-4, 4) + 5) / 10).clamp(1, 5) as u8;
        let recommend = ((i64::from(overall) - 1) * 25 + rng.range(-12, 12) + 5).clamp(0, 100) / 10;
        let anonymous = rng.percent(10);
        let comment = rng.percent(8).then(|| {
            let text = SURVEY_COMMENTS
                .iter()
                .find(|(s, _)| *s == overall)
                .map_or("", |(_, t)| *t);
            Personal::new(text)
        });
        let day = SURVEY_FROM + TimeDelta::days(rng.below(SURVEY_DAYS) as i64);
        out.push(SurveyResponse {
            id: id(format!("SR-2022-{:04}", out.len() + 1)),
            survey: id(ANNUAL_SURVEY),
            at: at(day, rng.range(8 * 60, 21 * 60)),
            building: id(spec.id),
            household: (!anonymous).then(|| home.id.clone()),
            respondent: if anonymous {
                None
            } else {
                home.adults.first().cloned()
            },
            scores,
            overall: Some(overall),
            recommend: Some(recommend as u8),
            comment: comment.filter(|c| !c.expose().is_empty()),
        });
    }
    out.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    out
}

// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PostKind, WorkOrderStatus};

    #[test]
    fn the_demo_estate_validates() {
        let e = estate();
        if let Err(err) = e.validate() {
            panic!("{err}\n{:#?}", err.issues());
        }
    }

    #[test]
    fn now_is_demo_now() {
        assert_eq!(now().to_rfc3339(), DEMO_NOW);
        assert_eq!(now(), DateTime::parse_from_rfc3339(DEMO_NOW).unwrap());
    }

    #[test]
    fn counts_match_the_report() {
        let e = estate();
        assert_eq!(e.id.as_str(), ESTATE_ID);
        assert_eq!(e.buildings.len(), 9);
        assert!(e.households.len() >= 500, "{}", e.households.len());
        assert!(e.residents.len() >= 1000, "{}", e.residents.len());
        assert_eq!(e.staff.len(), 23);
        let tenants = e
            .households
            .iter()
            .filter(|h| h.tenure == Tenure::Tenant)
            .count();
        let vacant = e
            .households
            .iter()
            .filter(|h| h.tenure == Tenure::Vacant)
            .count();
        assert!(tenants > 0 && vacant > 0 && tenants + vacant < e.households.len() / 3);
        let cared = e
            .households
            .iter()
            .filter(|h| !h.care_needs.is_empty())
            .count();
        assert!(cared > 0 && cared < e.households.len() / 4, "{cared}");
        for h in &e.households {
            let b = e.building(&h.building).unwrap();
            assert!(h.floor >= 1 && h.floor <= b.floors as i16);
            assert!(h.unit.starts_with(&format!("{:02}", h.floor)), "{}", h.unit);
        }
    }

    #[test]
    fn the_secretary_leads_a_party_branch_of_staff() {
        let e = estate();
        let pb = e.company.party_branch.as_ref().unwrap();
        let secretary = e.staff_member(&pb.secretary).unwrap();
        assert!(secretary.party_member);
        assert_eq!(secretary.role, StaffRole::Manager);
        assert_eq!(secretary.name.expose(), SECRETARY_NAME);
        assert_eq!(pb.founded, Some(ymd(2021, 6, 1)));
        assert!(e.staff.iter().filter(|s| s.party_member).count() >= 3);
    }

    #[test]
    fn the_staff_roster_is_realistic() {
        let e = estate();
        let count = |role: StaffRole| e.staff.iter().filter(|s| s.role == role).count();
        assert_eq!(count(StaffRole::Manager), 1);
        assert_eq!(count(StaffRole::Plumber), 2);
        assert_eq!(count(StaffRole::Electrician), 2);
        assert_eq!(count(StaffRole::GeneralRepair), 2);
        assert!((7..=8).contains(&count(StaffRole::Security)));
        for s in &e.staff {
            if matches!(
                s.role,
                StaffRole::Plumber | StaffRole::Electrician | StaffRole::GeneralRepair
            ) {
                assert!(s.base_building.is_some(), "{}", s.id);
            }
            if s.role == StaffRole::Security {
                assert_eq!(s.hours_system, HoursSystem::Comprehensive);
            }
        }
    }

    #[test]
    fn party_member_and_student_volunteers_offer_volunteer_posts() {
        let e = estate();
        let party = e
            .volunteers
            .iter()
            .filter(|v| v.kind == VolunteerKind::PartyMember && v.party_member)
            .count();
        let students = e
            .volunteers
            .iter()
            .filter(|v| v.kind == VolunteerKind::Student && v.organisation.is_some())
            .count();
        assert!(party >= 1 && students >= 1);
        let closed = &e.operating_periods[0];
        assert_eq!(closed.mode, OperatingMode::ClosedManagement);
        for v in &e.volunteers {
            assert!(!v.posts.is_empty());
            for p in &v.posts {
                let post = e.posts.iter().find(|x| &x.id == p).unwrap();
                if let Some(skill) = post.required_skill {
                    assert!(v.skills.contains(&skill), "{} lacks {skill:?}", v.id);
                }
            }
            for a in &v.availability {
                assert!(closed.from <= a.from && a.until <= closed.until);
            }
        }
    }

    #[test]
    fn both_gates_are_covered_around_the_clock_in_closed_management() {
        let e = estate();
        let gates: Vec<&Post> = e
            .posts
            .iter()
            .filter(|p| p.kind == PostKind::Gate)
            .collect();
        assert_eq!(gates.len(), 2);
        for gate in gates {
            let mut covered = [false; 1440];
            let mut normal_headcount = 0;
            let mut closed_headcount = 0;
            for c in &gate.coverage {
                let shift = e.shift_types.iter().find(|s| s.id == c.shift).unwrap();
                match c.mode {
                    OperatingMode::ClosedManagement => {
                        assert!(c.weekdays.is_empty(), "every day");
                        closed_headcount += c.headcount;
                        let start = u32::from(shift.start.minutes());
                        for m in start..start + shift.span_minutes() {
                            covered[(m % 1440) as usize] = true;
                        }
                    }
                    _ => normal_headcount += c.headcount,
                }
            }
            assert!(covered.iter().all(|&c| c), "{} has gaps", gate.id);
            assert!(closed_headcount > normal_headcount);
        }
        assert_eq!(e.mode_on(ymd(2022, 4, 24)), OperatingMode::ClosedManagement);
        assert_eq!(e.mode_on(DEMO_DATE), OperatingMode::Normal);
    }

    #[test]
    fn the_demo_is_deterministic() {
        let (a, b) = (estate(), estate());
        assert_eq!(a, b);
        assert_eq!(a.to_json(), b.to_json());
    }

    #[test]
    fn the_leak_is_handled_the_same_day_and_followed_up() {
        let e = estate();
        let leak = e.work_order(&id(LEAK_ORDER)).unwrap();
        assert_eq!(leak.category, Category::Plumbing);
        assert!(leak.hazards.contains(&Hazard::WaterIngress));
        assert_eq!(leak.households_affected, 2);
        assert_eq!(leak.household().map(|h| h.as_str()), Some(LEAK_HOUSEHOLD));
        assert_eq!(leak.reported_at.date_naive(), DEMO_DATE);
        let assigned = leak
            .events
            .iter()
            .find(|e| matches!(e, WorkOrderEvent::Assigned { .. }))
            .unwrap();
        assert_eq!(assigned.at().date_naive(), DEMO_DATE);

        let household = e.household(&id(LEAK_HOUSEHOLD)).unwrap();
        assert!(household.care_needs.contains(&CareNeed::ElderlyAlone));
        let Reporter::Resident { resident } = &leak.reported_by else {
            panic!("reported by a resident")
        };
        let r = e.residents.iter().find(|r| &r.id == resident).unwrap();
        assert_eq!(r.moved_in_year, Some(2017));
        assert!(!NAMES_FROM_THE_REPORT.contains(&r.name.expose()));

        let follow = e.work_order(&id(LEAK_FOLLOW_UP)).unwrap();
        assert_eq!(follow.follow_up_of, Some(id(LEAK_ORDER)));
        assert!(matches!(follow.location, Location::Building { .. }));
        assert!(follow.status().is_open() && follow.assignee().is_none());
    }

    #[test]
    fn the_week_of_orders_has_every_kind_of_status() {
        let e = estate();
        let n = e.work_orders.len();
        assert!((60..=120).contains(&n), "{n}");
        let now = now();
        let statuses: BTreeSet<WorkOrderStatus> =
            e.work_orders.iter().map(|w| w.status()).collect();
        for s in [
            WorkOrderStatus::Reported,
            WorkOrderStatus::Triaged,
            WorkOrderStatus::Assigned,
            WorkOrderStatus::InProgress,
            WorkOrderStatus::OnHold,
            WorkOrderStatus::Resolved,
            WorkOrderStatus::Closed,
            WorkOrderStatus::Reopened,
            WorkOrderStatus::Cancelled,
        ] {
            assert!(statuses.contains(&s), "no order is {}", s.as_str());
        }
        assert!(
            e.work_orders
                .iter()
                .filter(|w| w.reopen_count() > 0)
                .count()
                >= 2
        );
        for w in &e.work_orders {
            assert!(w.reported_at <= now && w.reported_at.date_naive() >= WEEK_FIRST);
            assert!(w.events.iter().all(|ev| ev.at() <= now));
        }
        let hazardous = e
            .work_orders
            .iter()
            .filter(|w| !w.hazards.is_empty())
            .count();
        assert!(hazardous <= 5, "hazards are rare: {hazardous}");
        let categories: BTreeSet<Category> = e.work_orders.iter().map(|w| w.category).collect();
        for c in [C::Parking, C::Hygiene, C::NeighbourDispute] {
            assert!(categories.contains(&c));
        }
    }

    #[test]
    fn most_resolved_orders_are_rated_mostly_well() {
        let e = estate();
        let resolved = e
            .work_orders
            .iter()
            .filter(|w| {
                matches!(
                    w.status(),
                    WorkOrderStatus::Resolved | WorkOrderStatus::Closed
                )
            })
            .count();
        assert!(
            e.ratings.len() * 2 > resolved,
            "{} of {resolved}",
            e.ratings.len()
        );
        let mean =
            e.ratings.iter().map(|r| f64::from(r.score)).sum::<f64>() / e.ratings.len() as f64;
        assert!((3.8..4.7).contains(&mean), "{mean}");
        assert!(e.ratings.iter().any(|r| r.score <= 2));
        assert!(e.ratings.iter().any(|r| !r.dimensions.is_empty()));
        assert!(e.ratings.iter().any(|r| r.comment.is_some()));
    }

    #[test]
    fn the_annual_survey_has_contrast_and_a_small_building() {
        let e = estate();
        let mut by_building: BTreeMap<&str, Vec<u8>> = BTreeMap::new();
        for s in &e.survey_responses {
            assert_eq!(s.survey.as_str(), ANNUAL_SURVEY);
            assert_eq!(s.scores.len(), 7);
            by_building
                .entry(s.building.as_str())
                .or_default()
                .push(s.overall.unwrap());
        }
        assert!((200..=400).contains(&e.survey_responses.len()));
        assert!(by_building.values().any(|v| v.len() < 5));
        let mean = |b: &str| {
            let v = &by_building[b];
            v.iter().map(|&s| f64::from(s)).sum::<f64>() / v.len() as f64
        };
        assert!(
            mean("B1") - mean("B8") > 1.0,
            "{} vs {}",
            mean("B1"),
            mean("B8")
        );
    }

    #[test]
    fn the_estate_round_trips_through_json() {
        let e = estate();
        assert_eq!(Estate::from_json(&e.to_json()).unwrap(), e);
    }

    #[test]
    fn personal_data_is_invented() {
        let e = estate();
        let mut phones = BTreeSet::new();
        let people = e
            .residents
            .iter()
            .map(|r| (&r.name, &r.phone))
            .chain(e.staff.iter().map(|s| (&s.name, &s.phone)))
            .chain(e.volunteers.iter().map(|v| (&v.name, &v.phone)));
        for (name, phone) in people {
            if name.expose() != SECRETARY_NAME {
                assert!(!NAMES_FROM_THE_REPORT.contains(&name.expose()));
            }
            if let Some(p) = phone {
                assert!(p.expose().starts_with("1380000") && p.expose().len() == 11);
                assert!(phones.insert(p.expose().to_owned()), "duplicate phone");
            }
        }
        let secretaries = e.staff.iter().filter(|s| s.name.expose() == SECRETARY_NAME);
        assert_eq!(secretaries.count(), 1);
    }
}
