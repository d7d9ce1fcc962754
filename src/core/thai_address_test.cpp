#include "core/thai_address.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace govhub::core {
namespace {

using Status = ThaiAddressStatus;

// The real data file, where scripts/install-deps.sh puts it. A missing file fails every test
// here with the path and what to run: these tests are not skipped.
const ThaiAddressBook& Book() {
    static const ThaiAddressBook book =
        ThaiAddressBook::Load(ThaiAddressDataPath(std::string(GOVHUB_SOURCE_DIR) + "/web"));
    return book;
}

bool Contains(const std::vector<std::string>& v, std::string_view s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(ThaiAddress, TheInstalledPackageLoads) {
    EXPECT_EQ(Book().version(), "0.0.30");  // scripts/install-deps.sh pins it
    EXPECT_EQ(Book().Provinces().size(), 77u);
    EXPECT_EQ(Book().tambon_count(), 7470u);
}

TEST(ThaiAddress, BangkokUsesKhwaengAndKhet) {
    auto c = Book().Check({"กรุงเทพมหานคร", "เขตพระนคร", "แขวงพระบรมมหาราชวัง", "10200"});
    EXPECT_EQ(c.status, Status::kOk);
    EXPECT_TRUE(c.bangkok);
    EXPECT_EQ(c.province, "กรุงเทพมหานคร");
    EXPECT_EQ(c.amphoe, "พระนคร");  // the data's spelling, without เขต / แขวง
    EXPECT_EQ(c.tambon, "พระบรมมหาราชวัง");
    EXPECT_EQ(c.postcode, "10200");
    EXPECT_EQ(c.expected_postcodes, std::vector<std::string>{"10200"});
    for (const char* typed : {"กทม.", "กทม", "กรุงเทพฯ", " กรุงเทพ ", "Bangkok", "จังหวัดกรุงเทพมหานคร"})
        EXPECT_TRUE(Book().IsBangkok(typed)) << typed;
    EXPECT_FALSE(Book().IsBangkok("เชียงใหม่"));
    EXPECT_FALSE(Book().IsBangkok("นาร์เนีย"));
    EXPECT_EQ(Book().Amphoes("กรุงเทพมหานคร").size(), 50u);  // the 50 khet
}

TEST(ThaiAddress, ChiangMaiAsPeopleTypeIt) {
    auto c = Book().Check({"จ. เชียงใหม่", "อ.เมือง", "ต.สุเทพ", "50200"});
    EXPECT_EQ(c.status, Status::kOk);
    EXPECT_FALSE(c.bangkok);
    EXPECT_EQ(c.province, "เชียงใหม่");
    EXPECT_EQ(c.amphoe, "เมืองเชียงใหม่");  // "อ.เมือง" is the province's capital district
    EXPECT_EQ(c.tambon, "สุเทพ");
    c = Book().Check({"จังหวัดเชียงใหม่", "อำเภอ เมืองเชียงใหม่", "ตำบล ช้างเผือก", "๕๐๓๐๐"});
    EXPECT_EQ(c.status, Status::kOk);
    EXPECT_EQ(c.postcode, "50300");  // Thai digits read as ASCII
}

TEST(ThaiAddress, AWrongPostcodeIsFlaggedWithTheExpectedOne) {
    auto c = Book().Check({"เชียงใหม่", "เมืองเชียงใหม่", "สุเทพ", "50000"});
    EXPECT_EQ(c.status, Status::kPostcodeMismatch);
    EXPECT_FALSE(c.ok());
    EXPECT_EQ(c.postcode, "50000");  // kept: the requester may keep it with a note
    EXPECT_EQ(c.expected_postcodes, std::vector<std::string>{"50200"});
    EXPECT_EQ(c.tambon, "สุเทพ");
    // A tambon with two postcodes accepts both.
    c = Book().Check({"กรุงเทพมหานคร", "สะพานสูง", "สะพานสูง", "10250"});
    EXPECT_EQ(c.status, Status::kOk);
    EXPECT_EQ(c.expected_postcodes, (std::vector<std::string>{"10240", "10250"}));
}

TEST(ThaiAddress, APostcodeIsFilledInOnlyWhenThereIsOne) {
    auto c = Book().Check({"กรุงเทพมหานคร", "พระนคร", "พระบรมมหาราชวัง", " "});
    EXPECT_EQ(c.status, Status::kOk);
    EXPECT_EQ(c.postcode, "10200");
    c = Book().Check({"กรุงเทพมหานคร", "สะพานสูง", "สะพานสูง", ""});
    EXPECT_EQ(c.status, Status::kPostcodeMissing);
    EXPECT_EQ(c.postcode, "");
    for (const char* bad : {"1020", "102000", "abcde", "10200x", "๑๐๒๐"}) {
        c = Book().Check({"กรุงเทพมหานคร", "พระนคร", "พระบรมมหาราชวัง", bad});
        EXPECT_EQ(c.status, Status::kPostcodeMalformed) << bad;
    }
    c = Book().Check({"กรุงเทพมหานคร", "พระนคร", "พระบรมมหาราชวัง", std::string(10000, '1')});
    EXPECT_EQ(c.status, Status::kPostcodeMalformed);
    // The data gives some islands of Chumphon no postcode: any well-formed one passes.
    c = Book().Check({"ชุมพร", "เมืองชุมพร", "เกาะกา", "86000"});
    EXPECT_EQ(c.status, Status::kOk);
    EXPECT_TRUE(c.expected_postcodes.empty());
}

TEST(ThaiAddress, UnknownNamesStopAtTheirLevel) {
    auto c = Book().Check({"นาร์เนีย", "พระนคร", "พระบรมมหาราชวัง", "10200"});
    EXPECT_EQ(c.status, Status::kUnknownProvince);
    EXPECT_EQ(c.province, "");
    c = Book().Check({"เชียงใหม่", "พระนคร", "พระบรมมหาราชวัง", "10200"});
    EXPECT_EQ(c.status, Status::kAmphoeNotInProvince);
    EXPECT_EQ(c.province, "เชียงใหม่");
    EXPECT_EQ(c.amphoe, "");
    c = Book().Check({"กรุงเทพมหานคร", "พระนคร", "สุเทพ", "10200"});
    EXPECT_EQ(c.status, Status::kTambonNotInAmphoe);
    EXPECT_EQ(c.amphoe, "พระนคร");
    EXPECT_EQ(c.tambon, "");
    EXPECT_TRUE(c.bangkok);
    // Same tambon name, other amphoe: ในเมือง is in three amphoes of Khon Kaen, each its own code.
    c = Book().Check({"ขอนแก่น", "บ้านไผ่", "ในเมือง", "40000"});
    EXPECT_EQ(c.status, Status::kPostcodeMismatch);
    EXPECT_EQ(c.expected_postcodes, std::vector<std::string>{"40110"});
    for (const char* hostile : {"", " ", "\xff\xfe", "จ.", "อ.", "<script>", "กรุงเทพมหานครx"}) {
        EXPECT_EQ(Book().Check({hostile, "", "", ""}).status, Status::kUnknownProvince) << hostile;
        EXPECT_EQ(Book().Check({"เชียงใหม่", hostile, "", ""}).status, Status::kAmphoeNotInProvince);
    }
    EXPECT_EQ(Book().Check({std::string(1 << 20, 'a'), "", "", ""}).status,
              Status::kUnknownProvince);
    EXPECT_TRUE(Book().Amphoes("นาร์เนีย").empty());
    EXPECT_TRUE(Book().Tambons("เชียงใหม่", "พระนคร").empty());
    EXPECT_TRUE(Book().Postcodes("เชียงใหม่", "เมืองเชียงใหม่", "นาร์เนีย").empty());
}

TEST(ThaiAddress, NamesAreNormalisedBeforeTheyAreCompared) {
    EXPECT_EQ(NormalizeThaiAddressName("  พระบรม มหาราช\u200bวัง\t"), "พระบรมมหาราชวัง");
    // Sara am typed as nikhahit + sara aa, with a tone mark between or not.
    EXPECT_EQ(NormalizeThaiAddressName("ลําพูน"), "ลำพูน");
    EXPECT_EQ(NormalizeThaiAddressName("น\u0E4D\u0E49\u0E32"), "น้ำ");
    EXPECT_EQ(Book().Check({"ลําพูน", "เมืองลําพูน", "ในเมือง", "51000"}).status, Status::kOk);
    // A name that starts like a prefix matches as typed first: the tambon จ.ป.ร. of Ranong.
    auto c = Book().Check({"ระนอง", "กระบุรี", "จ.ป.ร.", "85110"});
    EXPECT_EQ(c.status, Status::kOk);
    EXPECT_EQ(c.tambon, "จ.ป.ร.");
    EXPECT_EQ(Book().Check({"ระนอง", "กระบุรี", "ต.จ.ป.ร.", "85110"}).status, Status::kOk);
}

TEST(ThaiAddress, ListsAreInThaiDictionaryOrder) {
    auto provinces = Book().Provinces();
    ASSERT_EQ(provinces.size(), 77u);
    EXPECT_EQ(provinces.front(), "กระบี่");
    auto at = [&](std::string_view name) {
        return std::find(provinces.begin(), provinces.end(), name) - provinces.begin();
    };
    // A leading vowel (เ) sorts by the consonant after it: เชียงใหม่ among the ช, before ต.
    EXPECT_LT(at("ชุมพร"), at("เชียงใหม่"));
    EXPECT_LT(at("เชียงใหม่"), at("ตรัง"));
    EXPECT_TRUE(Contains(Book().Tambons("กรุงเทพมหานคร", "เขตพระนคร"), "พระบรมมหาราชวัง"));
    EXPECT_TRUE(Contains(Book().Amphoes("จ.เชียงใหม่"), "เมืองเชียงใหม่"));
    EXPECT_EQ(Book().Postcodes("เชียงใหม่", "เมืองเชียงใหม่", "สุเทพ"),
              std::vector<std::string>{"50200"});
}

TEST(ThaiAddress, PickerJsonIsTheSameCascade) {
    const std::string& text = Book().PickerJson();
    EXPECT_LT(text.size(), 400u << 10);
    auto j = nlohmann::json::parse(text);
    EXPECT_EQ(j["version"], "0.0.30");
    EXPECT_EQ(j["bangkok"], "กรุงเทพมหานคร");
    ASSERT_EQ(j["provinces"].size(), 77u);
    size_t tambons = 0;
    bool found = false;
    for (const auto& p : j["provinces"]) {
        for (const auto& a : p[1]) {
            for (const auto& t : a[1]) {
                ++tambons;
                if (p[0] == "กรุงเทพมหานคร" && a[0] == "พระนคร" && t[0] == "พระบรมมหาราชวัง") {
                    EXPECT_EQ(t[1], nlohmann::json::array({"10200"}));
                    found = true;
                }
            }
        }
    }
    EXPECT_TRUE(found);
    EXPECT_EQ(tambons, Book().tambon_count());
    EXPECT_EQ(j["provinces"][0][0], Book().Provinces().front());
}

TEST(ThaiAddress, TheCompactFormatDecodes) {
    // Letters stand for words (A = the first), numbers for lookup entries; the package's own
    // decoding. A tambon listed twice joins its postcodes.
    auto book = ThaiAddressBook::Parse(
        R"({"data":[["Aทดสอบ",[[0,[["ตำบลB","12345"],["ตำบลB",["12346","12345"]],[1,null]]]]]],)"
        R"("lookup":"หนึ่ง|สองB","words":"นคร|ใหม่"})",
        "test");
    EXPECT_EQ(book.Provinces(), std::vector<std::string>{"นครทดสอบ"});
    EXPECT_EQ(book.Amphoes("นครทดสอบ"), std::vector<std::string>{"หนึ่ง"});
    EXPECT_EQ(book.Tambons("นครทดสอบ", "หนึ่ง"), (std::vector<std::string>{"ตำบลใหม่", "สองใหม่"}));
    EXPECT_EQ(book.tambon_count(), 2u);
    // "ตำบลใหม่" is a whole name: the prefix is stripped only when the name does not match.
    EXPECT_EQ(book.Postcodes("นครทดสอบ", "หนึ่ง", "ตำบลใหม่"),
              (std::vector<std::string>{"12345", "12346"}));
    EXPECT_EQ(book.version(), "");
    // The geographic variant: [name, code, children].
    auto geo = ThaiAddressBook::Parse(R"({"data":[["ก",1,[["ข",2,[["ค",3,"10000"]]]]]]})", "geo");
    EXPECT_EQ(geo.Check({"ก", "ข", "ค", "10000"}).status, Status::kOk);
}

TEST(ThaiAddress, AMalformedFileIsAClearErrorAtStartUp) {
    const char* bad[] = {
        "",
        "not json",
        "[]",
        "{}",
        R"({"data":[]})",
        R"({"data":{}})",
        R"({"data":[["ก",[]]]})",                           // no amphoes
        R"({"data":[["ก",[["ข",[]]]]]})",                   // no tambons
        R"({"data":[["ก",[["ข",[["ค","1000"]]]]]]})",       // 4-digit postcode
        R"({"data":[["ก",[["ข",[["ค",10000]]]]]]})",        // a number
        R"({"data":[["ก",[["ข",[["ค","10000","x"]]]]]]})",  // wrong arity
        R"({"data":[[5,[["ข",[["ค","10000"]]]]]]})",        // index with no lookup
        R"({"data":[[5,[["ข",[["ค","10000"]]]]]],"lookup":"a","words":"b"})",    // out of range
        R"({"data":[["Z",[["ข",[["ค","10000"]]]]]],"lookup":"a","words":"b"})",  // no word Z
        R"({"data":[["",[["ข",[["ค","10000"]]]]]]})",                            // empty name
        R"({"data":[["\u0001",[["ข",[["ค","10000"]]]]]]})",           // control character
        R"({"data":[["ก",[["ข",[["ค","10000"]]]]]],"lookup":"a"})",   // words missing
        R"({"data":[[[[[[[[[[[[[[[[[[[[["ก"]]]]]]]]]]]]]]]]]]]]]})",  // nesting
    };
    for (const char* text : bad) {
        try {
            ThaiAddressBook::Parse(text, "bad.json");
            ADD_FAILURE() << "accepted: " << text;
        } catch (const ThaiAddressDataError& e) {
            EXPECT_NE(std::string(e.what()).find("Thai address data bad.json: "), std::string::npos)
                << e.what();
        }
    }
    ThaiAddressLimits small;
    small.max_tambons = 1;
    EXPECT_THROW(ThaiAddressBook::Parse(R"({"data":[["ก",[["ข",[["ค","10000"],["ง",null]]]]]]})",
                                        "x", small),
                 ThaiAddressDataError);
    small = {};
    small.max_file_bytes = 10;
    EXPECT_THROW(
        ThaiAddressBook::Load(ThaiAddressDataPath(std::string(GOVHUB_SOURCE_DIR) + "/web"), small),
        ThaiAddressDataError);
    try {
        ThaiAddressBook::Load("/nonexistent/db.json");
        ADD_FAILURE();
    } catch (const ThaiAddressDataError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/db.json"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("install-deps"), std::string::npos);
    }
}

}  // namespace
}  // namespace govhub::core
