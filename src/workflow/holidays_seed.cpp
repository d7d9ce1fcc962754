#include "workflow/holidays_seed.hpp"

namespace govhub::workflow {
namespace {
Holiday H(const char* day, const char* th, const char* en, const char* kind = "fixed",
          bool confirmed = true) {
    return {.day = day, .name_th = th, .name_en = en, .kind = kind, .confirmed = confirmed};
}
}  // namespace

const std::vector<Holiday>& SeedHolidays() {
    static const char* kNewYear = "วันขึ้นปีใหม่";
    static const char* kNewYearEve = "วันสิ้นปี";
    static const char* kChakri = "วันจักรี";
    static const char* kSongkran = "วันสงกรานต์";
    static const char* kCoronation = "วันฉัตรมงคล";
    static const char* kQueen = "วันเฉลิมพระชนมพรรษาสมเด็จพระนางเจ้าสุทิดา พัชรสุธาพิมลลักษณ พระบรมราชินี";
    static const char* kKing = "วันเฉลิมพระชนมพรรษาพระบาทสมเด็จพระวชิรเกล้าเจ้าอยู่หัว";
    static const char* kMother = "วันเฉลิมพระชนมพรรษาสมเด็จพระบรมราชชนนีพันปีหลวง และวันแม่แห่งชาติ";
    static const char* kBhumibol =
        "วันนวมินทรมหาราช (วันคล้ายวันสวรรคตพระบาทสมเด็จพระบรมชนกาธิเบศร "
        "มหาภูมิพลอดุลยเดชมหาราช บรมนาถบพิตร)";
    static const char* kChulalongkorn = "วันปิยมหาราช";
    static const char* kFather =
        "วันคล้ายวันพระบรมราชสมภพพระบาทสมเด็จพระบรมชนกาธิเบศร มหาภูมิพลอดุลยเดชมหาราช "
        "บรมนาถบพิตร วันชาติ และวันพ่อแห่งชาติ";
    static const char* kConstitution = "วันรัฐธรรมนูญ";
    static const std::vector<Holiday> kSeed = {
        // 2026 (B.E. 2569)
        H("2026-01-01", kNewYear, "New Year's Day"),
        H("2026-03-03", "วันมาฆบูชา", "Makha Bucha Day", "lunar"),
        H("2026-04-06", kChakri, "Chakri Memorial Day"),
        H("2026-04-13", kSongkran, "Songkran Festival"),
        H("2026-04-14", kSongkran, "Songkran Festival"),
        H("2026-04-15", kSongkran, "Songkran Festival"),
        H("2026-05-04", kCoronation, "Coronation Day"),
        H("2026-05-31", "วันวิสาขบูชา", "Visakha Bucha Day", "lunar"),
        H("2026-06-01", "วันหยุดชดเชยวันวิสาขบูชา", "Substitution for Visakha Bucha Day",
          "substitution"),
        H("2026-06-03", kQueen, "Queen Suthida's Birthday"),
        H("2026-07-28", kKing, "King Vajiralongkorn's Birthday"),
        H("2026-07-29", "วันอาสาฬหบูชา", "Asalha Bucha Day", "lunar"),
        H("2026-07-30", "วันเข้าพรรษา", "Buddhist Lent Day", "lunar"),
        H("2026-08-12", kMother, "The Queen Mother's Birthday and Mother's Day"),
        H("2026-10-13", kBhumibol, "King Bhumibol Adulyadej Memorial Day"),
        H("2026-10-23", kChulalongkorn, "King Chulalongkorn Day"),
        H("2026-12-05", kFather,
          "King Bhumibol Adulyadej's Birthday, National Day and Father's Day"),
        H("2026-12-07", "วันหยุดชดเชยวันพ่อแห่งชาติ", "Substitution for Father's Day", "substitution"),
        H("2026-12-10", kConstitution, "Constitution Day"),
        H("2026-12-31", kNewYearEve, "New Year's Eve"),
        // 2027 (B.E. 2570): fixed dates confirmed; lunar and substitution days to be confirmed.
        H("2027-01-01", kNewYear, "New Year's Day"),
        H("2027-02-20", "วันมาฆบูชา", "Makha Bucha Day", "lunar", false),
        H("2027-02-22", "วันหยุดชดเชยวันมาฆบูชา", "Substitution for Makha Bucha Day", "substitution",
          false),
        H("2027-04-06", kChakri, "Chakri Memorial Day"),
        H("2027-04-13", kSongkran, "Songkran Festival"),
        H("2027-04-14", kSongkran, "Songkran Festival"),
        H("2027-04-15", kSongkran, "Songkran Festival"),
        H("2027-05-04", kCoronation, "Coronation Day"),
        H("2027-05-20", "วันวิสาขบูชา", "Visakha Bucha Day", "lunar", false),
        H("2027-06-03", kQueen, "Queen Suthida's Birthday"),
        H("2027-07-18", "วันอาสาฬหบูชา", "Asalha Bucha Day", "lunar", false),
        H("2027-07-19", "วันเข้าพรรษา", "Buddhist Lent Day", "lunar", false),
        H("2027-07-20", "วันหยุดชดเชยวันอาสาฬหบูชา", "Substitution for Asalha Bucha Day",
          "substitution", false),
        H("2027-07-28", kKing, "King Vajiralongkorn's Birthday"),
        H("2027-08-12", kMother, "The Queen Mother's Birthday and Mother's Day"),
        H("2027-10-13", kBhumibol, "King Bhumibol Adulyadej Memorial Day"),
        H("2027-10-23", kChulalongkorn, "King Chulalongkorn Day"),
        H("2027-10-25", "วันหยุดชดเชยวันปิยมหาราช", "Substitution for King Chulalongkorn Day",
          "substitution", false),
        H("2027-12-05", kFather,
          "King Bhumibol Adulyadej's Birthday, National Day and Father's Day"),
        H("2027-12-06", "วันหยุดชดเชยวันพ่อแห่งชาติ", "Substitution for Father's Day", "substitution",
          false),
        H("2027-12-10", kConstitution, "Constitution Day"),
        H("2027-12-31", kNewYearEve, "New Year's Eve"),
    };
    return kSeed;
}

}  // namespace govhub::workflow
