//! English and Chinese words for the model's enumerations, used in the
//! sentences of reasons and notices.

use super::policy::{Level, Recipient};
use crate::{CareNeed, Category, Hazard, OperatingMode, Skill};

/// (English, Chinese) name of a category.
pub(crate) fn category(c: Category) -> (&'static str, &'static str) {
    use Category as C;
    match c {
        C::Plumbing => ("plumbing", "水管维修"),
        C::Electrical => ("electrical", "电路维修"),
        C::Gas => ("gas", "燃气"),
        C::Elevator => ("lift", "电梯"),
        C::DoorsWindows => ("doors and windows", "门窗"),
        C::Structure => ("structure", "房屋结构"),
        C::Facilities => ("common facilities", "公共设施"),
        C::Hygiene => ("cleaning", "环境卫生"),
        C::Greening => ("greening", "绿化"),
        C::Pest => ("pests", "虫害"),
        C::Parking => ("parking", "停车"),
        C::Noise => ("noise", "噪音"),
        C::NeighbourDispute => ("a neighbour dispute", "邻里纠纷"),
        C::Security => ("security", "治安"),
        C::Delivery => ("delivery of necessities", "生活物资配送"),
        C::MedicalAssistance => ("medical assistance", "就医协助"),
        C::Complaint => ("a complaint", "投诉"),
        C::Inquiry => ("an inquiry", "咨询"),
        _ => ("other work", "其他"),
    }
}

/// (English, Chinese) description of a hazard.
pub(crate) fn hazard(h: Hazard) -> (&'static str, &'static str) {
    match h {
        Hazard::WaterIngress => (
            "water entering the flat or other units",
            "漏水返水、渗入邻户",
        ),
        Hazard::Electrical => ("an electrical hazard", "用电险情"),
        Hazard::GasSmell => ("a smell of gas", "燃气泄漏气味"),
        Hazard::ElevatorEntrapment => ("people trapped in a lift", "电梯困人"),
        Hazard::FireSafety => ("a fire or safety danger", "火灾或安全险情"),
    }
}

/// (English, Chinese) name of a care need.
pub(crate) fn care_need(n: CareNeed) -> (&'static str, &'static str) {
    match n {
        CareNeed::ElderlyAlone => ("an elderly person living alone", "独居老人"),
        CareNeed::Disability => ("a person with a disability", "残障人士"),
        CareNeed::Infant => ("an infant", "婴幼儿"),
        CareNeed::MedicalNeed => ("a medical need", "有医疗需求"),
        CareNeed::Pregnancy => ("a pregnant resident", "孕妇"),
    }
}

/// (English, Chinese) name of an operating mode.
pub(crate) fn mode(m: OperatingMode) -> (&'static str, &'static str) {
    match m {
        OperatingMode::Normal => ("normal operation", "正常运营"),
        OperatingMode::ClosedManagement => ("closed management", "封闭管理"),
    }
}

/// (English, Chinese) name of a skill.
pub(crate) fn skill(s: Skill) -> (&'static str, &'static str) {
    match s {
        Skill::Plumbing => ("plumbing", "水工"),
        Skill::Electrical => ("electrical work", "电工"),
        Skill::GeneralRepair => ("general repair", "综合维修"),
        Skill::Elevator => ("lift rescue", "电梯救援"),
        Skill::Gas => ("gas first response", "燃气应急"),
        Skill::GateControl => ("gate control", "门岗查验"),
        Skill::Patrol => ("patrol", "巡逻"),
        Skill::Disinfection => ("disinfection", "消杀"),
        Skill::Cleaning => ("cleaning", "保洁"),
        Skill::Greening => ("greening", "绿化"),
        Skill::CustomerService => ("customer service", "客服"),
        Skill::Mediation => ("mediation", "调解"),
        Skill::Delivery => ("delivery", "配送"),
        Skill::FirstAid => ("first aid", "急救"),
    }
}

/// (English, Chinese) name of an impact or urgency level.
pub(crate) fn level(l: Level) -> (&'static str, &'static str) {
    match l {
        Level::High => ("high", "高"),
        Level::Medium => ("medium", "中"),
        Level::Low => ("low", "低"),
    }
}

/// (English, Chinese) name of an escalation recipient.
pub(crate) fn recipient(r: Recipient) -> (&'static str, &'static str) {
    match r {
        Recipient::Assignee => ("the assignee", "负责人"),
        Recipient::Supervisor => ("the supervisor", "主管"),
        Recipient::Manager => ("the manager", "项目经理"),
        Recipient::PartyBranchLead => ("the party-branch secretary", "党支部书记"),
        Recipient::Desk => ("the service desk", "客服中心"),
    }
}

/// A duration in minutes as "1 h 24 min" / "1小时24分钟".
pub(crate) fn duration(minutes: i64) -> (String, String) {
    let sign = if minutes < 0 { "-" } else { "" };
    let m = minutes.unsigned_abs();
    let (d, h, mm) = (m / 1440, (m % 1440) / 60, m % 60);
    let en = match (d, h, mm) {
        (0, 0, mm) => format!("{sign}{mm} min"),
        (0, h, 0) => format!("{sign}{h} h"),
        (0, h, mm) => format!("{sign}{h} h {mm} min"),
        (d, 0, _) => format!("{sign}{d} d"),
        (d, h, _) => format!("{sign}{d} d {h} h"),
    };
    let zh = match (d, h, mm) {
        (0, 0, mm) => format!("{sign}{mm}分钟"),
        (0, h, 0) => format!("{sign}{h}小时"),
        (0, h, mm) => format!("{sign}{h}小时{mm}分钟"),
        (d, 0, _) => format!("{sign}{d}天"),
        (d, h, _) => format!("{sign}{d}天{h}小时"),
    };
    (en, zh)
}

/// Points as "+120" or "+2.8".
pub(crate) fn points(p: f64) -> String {
    let r = (p * 100.0).round() / 100.0;
    if r >= 0.0 {
        format!("+{r}")
    } else {
        format!("{r}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(84), ("1 h 24 min".into(), "1小时24分钟".into()));
        assert_eq!(duration(120), ("2 h".into(), "2小时".into()));
        assert_eq!(duration(5), ("5 min".into(), "5分钟".into()));
        assert_eq!(
            duration(1440 * 2 + 61),
            ("2 d 1 h".into(), "2天1小时".into())
        );
        assert_eq!(duration(-30), ("-30 min".into(), "-30分钟".into()));
        assert_eq!(points(2.8), "+2.8");
        assert_eq!(points(120.0), "+120");
        assert_eq!(points(-15.0), "-15");
    }
}
