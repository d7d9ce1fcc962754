#include "learning/scorm_package.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <set>

#include "core/test_i18n.hpp"

namespace govhub::learning {
namespace {

namespace fs = std::filesystem;

// The key a call throws, or "" when it does not throw.
std::string KeyOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const ScormPackageError& e) {
        return e.key;
    }
    return "";
}

// ---------------------------------------------------------------- manifests

constexpr std::string_view kSingle12 = R"(<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.single" version="1.0"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="ORG">
    <organization identifier="ORG">
      <title>การใช้งานระบบสารบรรณ</title>
      <item identifier="I1" identifierref="R1">
        <title>บทที่ 1</title>
        <adlcp:masteryscore>80</adlcp:masteryscore>
        <adlcp:datafromlms>mode=review</adlcp:datafromlms>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="R1" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>)";

TEST(ScormManifest, ReadsASingleScoScorm12Package) {
    auto m = ParseManifest(kSingle12);
    EXPECT_EQ(m.version, ScormVersion::k12);
    EXPECT_EQ(m.identifier, "com.example.single");
    EXPECT_EQ(m.title, "การใช้งานระบบสารบรรณ");
    ASSERT_EQ(m.items.size(), 1u);
    const auto& item = m.items[0];
    EXPECT_EQ(item.identifier, "I1");
    EXPECT_EQ(item.title, "บทที่ 1");
    EXPECT_EQ(item.resource_id, "R1");
    EXPECT_EQ(item.href, "index.html");
    EXPECT_TRUE(item.is_sco);
    EXPECT_EQ(item.mastery_score, 80);
    EXPECT_EQ(item.data_from_lms, "mode=review");
    EXPECT_FALSE(item.scaled_passing_score);
    EXPECT_FALSE(m.declares_sequencing);
    EXPECT_TRUE(m.warnings.empty());
    ASSERT_EQ(m.Launchable().size(), 1u);
    EXPECT_EQ(m.Launchable()[0], &m.items[0]);
}

constexpr std::string_view kMulti2004 = R"(<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="MANIFEST-2004" version="1"
    xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
    xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
    xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>2004 4th Edition</schemaversion>
    <lom><general><title><string>not the title</string></title></general></lom>
  </metadata>
  <organizations default="ORG-MAIN">
    <organization identifier="ORG-OTHER">
      <title>Other</title>
      <item identifier="X1" identifierref="R-ASSET"><title>Glossary</title></item>
    </organization>
    <organization identifier="ORG-MAIN">
      <title>Cyber security</title>
      <item identifier="FOLDER">
        <title>Module 1</title>
        <item identifier="SCO1" identifierref="R1" parameters="?lang=th">
          <title>Passwords</title>
          <adlcp:completionThreshold completedByMeasure="true" minProgressMeasure="0.75"/>
          <imsss:sequencing>
            <imsss:deliveryControls completionSetByContent="true" objectiveSetByContent="true"/>
          </imsss:sequencing>
        </item>
        <item identifier="SCO2" identifierref="R2">
          <title>Phishing</title>
          <adlcp:dataFromLMS>level=2</adlcp:dataFromLMS>
          <imsss:sequencing>
            <imsss:objectives>
              <imsss:primaryObjective objectiveID="PASS" satisfiedByMeasure="true">
                <imsss:minNormalizedMeasure>0.6</imsss:minNormalizedMeasure>
              </imsss:primaryObjective>
            </imsss:objectives>
          </imsss:sequencing>
        </item>
      </item>
      <item identifier="GLOSS" identifierref="R-ASSET"><title>Glossary</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="R1" type="webcontent" adlcp:scormType="sco" href="sco1/index.html"/>
    <resource identifier="R2" type="webcontent" adlcp:scormType="sco" href="sco2/start.html?x=1"/>
    <resource identifier="R-ASSET" type="webcontent" adlcp:scormType="asset" href="glossary.pdf"/>
    <resource identifier="R-COMMON" type="webcontent" adlcp:scormType="asset">
      <file href="common/app.js"/>
    </resource>
  </resources>
</manifest>)";

TEST(ScormManifest, ReadsAMultiScoScorm2004PackageWithNestedItems) {
    auto m = ParseManifest(kMulti2004);
    EXPECT_EQ(m.version, ScormVersion::k2004);
    EXPECT_EQ(m.title, "Cyber security");  // the default organization, not the first
    ASSERT_EQ(m.items.size(), 2u);
    const auto& folder = m.items[0];
    EXPECT_EQ(folder.title, "Module 1");
    EXPECT_TRUE(folder.href.empty());
    EXPECT_TRUE(folder.resource_id.empty());
    ASSERT_EQ(folder.children.size(), 2u);
    const auto& sco1 = folder.children[0];
    const auto& sco2 = folder.children[1];
    EXPECT_EQ(sco1.href, "sco1/index.html?lang=th");
    EXPECT_EQ(sco1.completion_threshold, 0.75);
    EXPECT_FALSE(sco1.scaled_passing_score);
    EXPECT_EQ(sco2.href, "sco2/start.html?x=1");
    EXPECT_EQ(sco2.scaled_passing_score, 0.6);
    EXPECT_EQ(sco2.data_from_lms, "level=2");
    EXPECT_FALSE(sco2.completion_threshold);
    EXPECT_TRUE(sco1.is_sco);
    EXPECT_FALSE(m.items[1].is_sco);  // an asset: opened, but it has no runtime API
    // The passing-score objective and "status set by content" are not rules to run.
    EXPECT_FALSE(m.declares_sequencing);
    EXPECT_TRUE(m.warnings.empty());
    auto launch = m.Launchable();
    ASSERT_EQ(launch.size(), 3u);
    EXPECT_EQ(launch[0]->identifier, "SCO1");
    EXPECT_EQ(launch[1]->identifier, "SCO2");
    EXPECT_EQ(launch[2]->identifier, "GLOSS");
}

std::string Replace(std::string_view text, std::string_view from, std::string_view to) {
    std::string s(text);
    size_t at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) s.replace(at, from.size(), to);
    return s;
}

TEST(ScormManifest, SequencingRulesAreFlaggedAndWarned) {
    auto rules = Replace(kMulti2004, "<imsss:objectives>",
                         "<imsss:controlMode choice=\"false\" flow=\"true\"/><imsss:objectives>");
    auto m = ParseManifest(rules);
    EXPECT_TRUE(m.declares_sequencing);
    EXPECT_EQ(m.warnings, std::vector<std::string>{"learning.scorm.sequencing_ignored"});
    // Its passing score is still read.
    EXPECT_EQ(m.items[0].children[1].scaled_passing_score, 0.6);

    auto collection = Replace(kMulti2004, "</manifest>",
                              "<imsss:sequencingCollection><imsss:sequencing ID=\"S\"/>"
                              "</imsss:sequencingCollection></manifest>");
    EXPECT_TRUE(ParseManifest(collection).declares_sequencing);
    auto global = Replace(kMulti2004, "</imsss:primaryObjective>",
                          "<imsss:mapInfo targetObjectiveID=\"G\"/></imsss:primaryObjective>");
    EXPECT_TRUE(ParseManifest(global).declares_sequencing);
    auto untracked = Replace(kMulti2004, "completionSetByContent=\"true\"", "tracked=\"false\"");
    EXPECT_TRUE(ParseManifest(untracked).declares_sequencing);
}

TEST(ScormManifest, PassingScoreDefaultsAndThirdEditionThreshold) {
    // satisfiedByMeasure without a minimum: IMS SS's default of 1.0.
    auto no_min =
        Replace(kMulti2004, "<imsss:minNormalizedMeasure>0.6</imsss:minNormalizedMeasure>", "");
    EXPECT_EQ(ParseManifest(no_min).items[0].children[1].scaled_passing_score, 1.0);
    // Not by measure: no passing score.
    auto not_measure =
        Replace(kMulti2004, "satisfiedByMeasure=\"true\"", "satisfiedByMeasure=\"false\"");
    EXPECT_FALSE(ParseManifest(not_measure).items[0].children[1].scaled_passing_score);
    // 3rd edition writes the threshold as text.
    auto third = Replace(
        kMulti2004,
        "<adlcp:completionThreshold completedByMeasure=\"true\" minProgressMeasure=\"0.75\"/>",
        "<adlcp:completionThreshold>0.5</adlcp:completionThreshold>");
    EXPECT_EQ(ParseManifest(third).items[0].children[0].completion_threshold, 0.5);
    auto not_by_measure =
        Replace(kMulti2004, "completedByMeasure=\"true\"", "completedByMeasure=\"false\"");
    EXPECT_FALSE(ParseManifest(not_by_measure).items[0].children[0].completion_threshold);
}

TEST(ScormManifest, XmlBaseOfManifestResourcesAndResourceIsPrefixed) {
    auto based = Replace(kMulti2004, "<resources>", "<resources xml:base=\"content/\">");
    based = Replace(based, "identifier=\"R1\" type=\"webcontent\"",
                    "identifier=\"R1\" xml:base=\"sco1\" type=\"webcontent\"");
    based = Replace(based, "href=\"sco1/index.html\"", "href=\"index.html\"");
    based = Replace(based, "version=\"1\"", "version=\"1\" xml:base=\"pkg/\"");
    auto m = ParseManifest(based);
    auto launch = m.Launchable();
    EXPECT_EQ(launch[0]->href, "pkg/content/sco1/index.html?lang=th");
    EXPECT_EQ(launch[1]->href, "pkg/content/sco2/start.html?x=1");
    // The same checks as an href.
    EXPECT_EQ(
        KeyOf([&] {
            ParseManifest(Replace(kMulti2004, "<resources>", "<resources xml:base=\"../other/\">"));
        }),
        "learning.scorm.unsafe_href");
    EXPECT_EQ(KeyOf([&] {
                  ParseManifest(Replace(kMulti2004, "<resources>",
                                        "<resources xml:base=\"https://evil.example/\">"));
              }),
              "learning.scorm.external_href");
}

TEST(ScormManifest, VersionFromSchemaversionOrNamespaces) {
    auto cam = Replace(kMulti2004, "2004 4th Edition", "CAM 1.3");
    EXPECT_EQ(ParseManifest(cam).version, ScormVersion::k2004);
    auto third = Replace(kMulti2004, "2004 4th Edition", " 2004 3rd Edition ");
    EXPECT_EQ(ParseManifest(third).version, ScormVersion::k2004);
    auto none12 = Replace(kSingle12, "<schemaversion>1.2</schemaversion>", "");
    EXPECT_EQ(ParseManifest(none12).version, ScormVersion::k12);
    auto none2004 = Replace(kMulti2004, "<schemaversion>2004 4th Edition</schemaversion>", "");
    EXPECT_EQ(ParseManifest(none2004).version, ScormVersion::k2004);
    EXPECT_EQ(KeyOf([&] { ParseManifest(Replace(kSingle12, ">1.2<", ">1.1<")); }),
              "learning.scorm.unknown_version");
}

TEST(ScormManifest, AMissingDefaultFallsBackToTheFirstOrganizationWithAWarning) {
    auto m = ParseManifest(Replace(kMulti2004, "default=\"ORG-MAIN\"", "default=\"NOPE\""));
    EXPECT_EQ(m.title, "Other");
    EXPECT_EQ(m.warnings, std::vector<std::string>{"learning.scorm.default_organization_missing"});
}

TEST(ScormManifest, ItemParametersFollowTheCamRule) {
    auto with = [&](std::string_view href, std::string_view params) {
        auto xml = Replace(kSingle12, "href=\"index.html\"", "href=\"" + std::string(href) + "\"");
        std::string escaped;
        for (char c : params) escaped += c == '&' ? std::string("&amp;") : std::string(1, c);
        xml = Replace(xml, "identifierref=\"R1\"",
                      "identifierref=\"R1\" parameters=\"" + escaped + "\"");
        return ParseManifest(xml).items[0].href;
    };
    EXPECT_EQ(with("a.html", "?p=1"), "a.html?p=1");
    EXPECT_EQ(with("a.html?x=1", "?p=1"), "a.html?x=1&p=1");
    EXPECT_EQ(with("a.html?x=1", "&p=1"), "a.html?x=1&p=1");
    EXPECT_EQ(with("a.html", "#page3"), "a.html#page3");
    EXPECT_EQ(with("a.html#top", "#page3"), "a.html#top");
    EXPECT_EQ(with("a.html#top", "p=1"), "a.html?p=1#top");
}

struct BadManifest {
    std::string what;
    std::string xml;
    std::string key;
};

TEST(ScormManifest, EachValidationErrorHasItsOwnKey) {
    const std::string s12(kSingle12);
    const std::vector<BadManifest> cases = {
        {"not xml", "<manifest><organizations>", "not_xml"},
        {"not xml at all", "PK\x03\x04 binary", "not_xml"},
        {"empty", "", "not_xml"},
        {"doctype", "<?xml version=\"1.0\"?><!DOCTYPE manifest [<!ENTITY a \"aaaa\">]><manifest/>",
         "doctype"},
        {"another root", "<html><body/></html>", "not_manifest"},
        {"no organizations",
         Replace(s12,
                 s12.substr(s12.find("<organizations"),
                            s12.find("</organizations>") + 16 - s12.find("<organizations")),
                 ""),
         "no_organization"},
        {"organization without items",
         "<manifest identifier=\"M\"><metadata><schemaversion>1.2</schemaversion></metadata>"
         "<organizations default=\"O\"><organization identifier=\"O\"><title>t</title>"
         "</organization></organizations><resources/></manifest>",
         "no_organization"},
        {"duplicate identifier", Replace(s12, "identifier=\"R1\"", "identifier=\"I1\""),
         "duplicate_identifier"},
        {"item without identifier", Replace(s12, "identifier=\"I1\" ", ""), "missing_identifier"},
        {"unresolved identifierref", Replace(s12, "identifierref=\"R1\"", "identifierref=\"R9\""),
         "unresolved_reference"},
        {"launch resource without href", Replace(s12, "href=\"index.html\">", ">"),
         "launch_without_href"},
        {"href with only a query", Replace(s12, "href=\"index.html\">", "href=\"?x=1\">"),
         "launch_without_href"},
        {"only folders", Replace(s12, "identifierref=\"R1\"", ""), "no_launchable_item"},
        {"absolute href", Replace(s12, "href=\"index.html\">", "href=\"/etc/passwd\">"),
         "unsafe_href"},
        {"dot-dot href", Replace(s12, "href=\"index.html\">", "href=\"a/../../x.html\">"),
         "unsafe_href"},
        {"encoded dot-dot", Replace(s12, "href=\"index.html\">", "href=\"%2e%2e/x.html\">"),
         "unsafe_href"},
        {"backslash", Replace(s12, "href=\"index.html\">", "href=\"a\\..\\x.html\">"),
         "unsafe_href"},
        {"encoded NUL", Replace(s12, "href=\"index.html\">", "href=\"a%00.html\">"), "unsafe_href"},
        {"external URL",
         Replace(s12, "href=\"index.html\">", "href=\"https://evil.example/x.html\">"),
         "external_href"},
        {"javascript", Replace(s12, "href=\"index.html\">", "href=\"javascript:alert(1)\">"),
         "external_href"},
        {"mastery out of range", Replace(s12, ">80<", ">180<"), "bad_score"},
        {"mastery not a number", Replace(s12, ">80<", ">eighty<"), "bad_score"},
        {"passing score out of range", Replace(kMulti2004, ">0.6<", ">1.5<"), "bad_score"},
    };
    for (const auto& c : cases)
        EXPECT_EQ(KeyOf([&] { ParseManifest(c.xml); }), "learning.scorm." + c.key) << c.what;
}

TEST(ScormManifest, BoundsAreEnforced) {
    // Each bound at its limit (refused for another reason: no organization) and one past it.
    auto nested = [](int depth) {
        std::string xml = "<manifest>";
        for (int i = 1; i < depth; ++i) xml += "<x>";
        for (int i = 1; i < depth; ++i) xml += "</x>";
        return xml + "</manifest>";
    };
    EXPECT_EQ(KeyOf([&] { ParseManifest(nested(kMaxManifestDepth)); }),
              "learning.scorm.unknown_version");
    EXPECT_EQ(KeyOf([&] { ParseManifest(nested(kMaxManifestDepth + 1)); }),
              "learning.scorm.too_deep");

    auto resources = [](size_t n) {
        std::string xml =
            "<manifest><metadata><schemaversion>1.2</schemaversion></metadata>"
            "<resources>";
        for (size_t i = 0; i < n; ++i)
            xml += "<resource identifier=\"r" + std::to_string(i) + "\"/>";
        return xml + "</resources></manifest>";
    };
    EXPECT_EQ(KeyOf([&] { ParseManifest(resources(kMaxManifestNodes)); }),
              "learning.scorm.no_organization");
    EXPECT_EQ(KeyOf([&] { ParseManifest(resources(kMaxManifestNodes + 1)); }),
              "learning.scorm.too_many_elements");

    std::string padded(kSingle12);
    padded += std::string(kMaxManifestBytes - padded.size(), ' ');
    EXPECT_EQ(ParseManifest(padded).items.size(), 1u);
    padded += ' ';
    EXPECT_EQ(KeyOf([&] { ParseManifest(padded); }), "learning.scorm.manifest_too_large");

    // Long text is cut, not refused.
    auto long_title = Replace(kSingle12, "บทที่ 1", std::string(5000, 'a'));
    EXPECT_EQ(ParseManifest(long_title).items[0].title.size(), 1000u);
}

// Every key the reader can throw or warn has its words in both languages, with the same
// placeholders.
TEST(ScormManifest, EveryKeyHasAMessageInBothLanguages) {
    std::ifstream in(std::string(GOVHUB_SOURCE_DIR) + "/src/learning/scorm_package.cpp");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    std::regex key_re(R"re((?:Fail|Stop)\(\s*"([a-z_]+)"|"learning\.scorm\.([a-z_]+)")re");
    std::set<std::string> keys;
    for (std::sregex_iterator it(text.begin(), text.end(), key_re), end; it != end; ++it)
        keys.insert("learning.scorm." + ((*it)[1].matched ? (*it)[1].str() : (*it)[2].str()));
    EXPECT_GT(keys.size(), 25u);
    const auto& strings = core::TestStrings();
    for (const auto& key : keys) {
        EXPECT_TRUE(strings.Has("th", key)) << key;
        EXPECT_TRUE(strings.Has("en", key)) << key;
        EXPECT_EQ(strings.Get("th", key).find("{name}") == std::string::npos,
                  strings.Get("en", key).find("{name}") == std::string::npos)
            << key;
    }
    ScormPackageError e("learning.scorm.missing_launch_file", "x", "sco1/index.html");
    EXPECT_EQ(core::English(e.UserMessage()),
              "The manifest names the launch page sco1/index.html, but the zip does not contain "
              "that file");
}

// ---------------------------------------------------------------- zips

class TempDir {
  public:
    TempDir() {
        std::string t = (fs::temp_directory_path() / "govhub-scorm-XXXXXX").string();
        if (!::mkdtemp(t.data())) throw std::runtime_error("mkdtemp");
        path_ = t;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
};

// One entry of a zip built for a test.
struct Entry {
    std::string name;
    std::string data;
    unsigned type = AE_IFREG;
    std::string link;  // symlink target or hardlink source
    bool hardlink = false;
    size_t zeros = 0;  // that many zero bytes instead of data (bombs)
};

void WriteZip(const fs::path& path, const std::vector<Entry>& entries) {
    archive* a = archive_write_new();
    ASSERT_EQ(archive_write_set_format_zip(a), ARCHIVE_OK);
    ASSERT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK);
    for (const auto& e : entries) {
        archive_entry* en = archive_entry_new();
        archive_entry_set_pathname(en, e.name.c_str());
        archive_entry_set_filetype(en, e.type);
        archive_entry_set_perm(en, e.type == AE_IFDIR ? 0755 : 0644);
        if (e.type == AE_IFLNK) archive_entry_set_symlink(en, e.link.c_str());
        if (e.hardlink) archive_entry_set_hardlink(en, e.link.c_str());
        size_t size = e.type == AE_IFREG ? (e.zeros ? e.zeros : e.data.size()) : 0;
        archive_entry_set_size(en, static_cast<la_int64_t>(size));
        ASSERT_GE(archive_write_header(a, en), ARCHIVE_WARN) << archive_error_string(a);
        if (e.zeros) {
            std::string chunk(1 << 20, '\0');
            for (size_t done = 0; done < e.zeros; done += chunk.size())
                archive_write_data(a, chunk.data(), std::min(chunk.size(), e.zeros - done));
        } else if (size) {
            archive_write_data(a, e.data.data(), e.data.size());
        }
        archive_entry_free(en);
    }
    archive_write_close(a);
    archive_write_free(a);
}

// Rewrites the Unix mode (the high half of "external attributes") of `name` in the zip's
// central directory.
void SetUnixMode(const fs::path& path, const std::string& name, unsigned mode) {
    std::ifstream in(path, std::ios::binary);
    std::string z((std::istreambuf_iterator<char>(in)), {});
    in.close();
    bool found = false;
    for (size_t at = z.find("PK\x01\x02"); at != std::string::npos;
         at = z.find("PK\x01\x02", at + 4)) {
        auto u16 = [&](size_t o) {
            return static_cast<unsigned char>(z[at + o]) | static_cast<unsigned char>(z[at + o + 1])
                                                               << 8;
        };
        if (z.compare(at + 46, u16(28), name) != 0 || static_cast<size_t>(u16(28)) != name.size())
            continue;
        z[at + 5] = 3;  // made by: Unix, so the mode is read
        z[at + 40] = static_cast<char>(mode & 0xff);
        z[at + 41] = static_cast<char>((mode >> 8) & 0xff);
        found = true;
    }
    ASSERT_TRUE(found) << name;
    std::ofstream(path, std::ios::binary) << z;
}

const std::string kPage = "<!doctype html><title>SCO</title><p>สวัสดี</p>";

std::vector<Entry> GoodPackage() {
    return {{"imsmanifest.xml", std::string(kMulti2004)},
            {"sco1/", "", AE_IFDIR},
            {"sco1/index.html", kPage},
            {"sco2/start.html", kPage},
            {"glossary.pdf", "%PDF-1.4"},
            {"common/app.js", "var x = 1;"}};
}

class ScormZip : public ::testing::Test {
  protected:
    fs::path zip() const { return tmp_.path() / "package.zip"; }
    fs::path dest() const { return tmp_.path() / "pkg"; }
    // Extracts and returns the key it throws ("" when it succeeds); nothing must remain of a
    // refused package.
    std::string Extract(const std::vector<Entry>& entries, const PackageLimits& limits = {}) {
        WriteZip(zip(), entries);
        std::string key = KeyOf([&] { ExtractPackage(zip().string(), dest().string(), limits); });
        if (!key.empty()) {
            EXPECT_FALSE(fs::exists(dest())) << key;
            EXPECT_FALSE(fs::exists(dest().string() + ".partial")) << key;
        }
        return key;
    }
    TempDir tmp_;
};

TEST_F(ScormZip, AGoodPackageIsUnpackedWithItsFiles) {
    WriteZip(zip(), GoodPackage());
    auto m = ExtractPackage(zip().string(), dest().string(), {});
    EXPECT_EQ(m.Launchable().size(), 3u);
    EXPECT_TRUE(fs::is_regular_file(dest() / "imsmanifest.xml"));
    EXPECT_TRUE(fs::is_regular_file(dest() / "sco2" / "start.html"));
    EXPECT_TRUE(fs::is_regular_file(dest() / "common" / "app.js"));
    std::ifstream in(dest() / "sco1" / "index.html");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(text, kPage);
    EXPECT_EQ(fs::status(dest() / "sco1" / "index.html").permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                  fs::perms::others_read);
    EXPECT_FALSE(fs::exists(dest().string() + ".partial"));
    // A second import into the same folder is refused rather than mixed into it.
    EXPECT_EQ(KeyOf([&] { ExtractPackage(zip().string(), dest().string(), {}); }),
              "learning.scorm.storage_error");
    EXPECT_TRUE(fs::is_regular_file(dest() / "imsmanifest.xml"));
}

TEST_F(ScormZip, ZipSlipNamesAreRefusedBeforeAnythingIsWritten) {
    auto with = [&](std::string name) {
        auto entries = GoodPackage();
        entries.insert(entries.begin() + 1, {name, "pwned"});
        return Extract(entries);
    };
    EXPECT_EQ(with("../x"), "learning.scorm.unsafe_entry_name");
    EXPECT_EQ(with("sco1/../../x"), "learning.scorm.unsafe_entry_name");
    EXPECT_EQ(with("/etc/x"), "learning.scorm.unsafe_entry_name");
    EXPECT_EQ(with("C:/Windows/x"), "learning.scorm.unsafe_entry_name");
    EXPECT_EQ(with("a\\..\\..\\x"), "learning.scorm.unsafe_entry_name");
    EXPECT_EQ(with("line\nbreak"), "learning.scorm.bad_entry_name");
    EXPECT_EQ(with(std::string(300, 'a')), "learning.scorm.bad_entry_name");
    EXPECT_FALSE(fs::exists(tmp_.path() / "x"));
    EXPECT_FALSE(fs::exists(tmp_.path().parent_path() / "x"));
}

TEST_F(ScormZip, LinksAndSpecialFilesAreRefused) {
    auto entries = GoodPackage();
    entries.push_back({"sco1/passwd", "", AE_IFLNK, "/etc/passwd"});
    EXPECT_EQ(Extract(entries), "learning.scorm.link_entry");

    entries = GoodPackage();
    entries.push_back({"sco1/up", "", AE_IFLNK, "../.."});
    EXPECT_EQ(Extract(entries), "learning.scorm.link_entry");

    // Zip has no hard links; libarchive writes one as a file holding no data, or as a link.
    entries = GoodPackage();
    Entry hard{"sco1/hard", "", AE_IFREG, "/etc/passwd", true};
    entries.push_back(hard);
    std::string key = Extract(entries);
    if (key.empty()) {
        EXPECT_TRUE(fs::is_regular_file(dest() / "sco1" / "hard"));
        EXPECT_EQ(fs::file_size(dest() / "sco1" / "hard"), 0u);
        fs::remove_all(dest());
    } else {
        EXPECT_EQ(key, "learning.scorm.link_entry");
    }

    // Nor named pipes or devices: libarchive will not write one into a zip, so the mode in the
    // central directory is changed afterwards, as a hostile tool would write it. libarchive's
    // zip reader reads such modes as a regular file (the special_entry refusal is for readers
    // that would not): what must never appear is the pipe or device itself.
    for (unsigned mode : {S_IFIFO, S_IFCHR, S_IFSOCK}) {
        entries = GoodPackage();
        entries.push_back({"special", "x"});
        WriteZip(zip(), entries);
        SetUnixMode(zip(), "special", mode | 0644);
        std::string key = KeyOf([&] { ExtractPackage(zip().string(), dest().string(), {}); });
        if (key.empty()) {
            EXPECT_EQ(fs::symlink_status(dest() / "special").type(), fs::file_type::regular);
            fs::remove_all(dest());
        } else {
            EXPECT_EQ(key, "learning.scorm.special_entry");
        }
    }
    // The same way, a file whose mode says "symbolic link".
    entries = GoodPackage();
    entries.push_back({"sco1/link", "/etc/passwd"});
    WriteZip(zip(), entries);
    SetUnixMode(zip(), "sco1/link", S_IFLNK | 0777);
    EXPECT_EQ(KeyOf([&] { ExtractPackage(zip().string(), dest().string(), {}); }),
              "learning.scorm.link_entry");
}

TEST_F(ScormZip, DuplicateEntriesAreRefused) {
    auto entries = GoodPackage();
    entries.push_back({"sco1/index.html", "<script>evil()</script>"});
    EXPECT_EQ(Extract(entries), "learning.scorm.duplicate_entry");
    entries = GoodPackage();
    entries.push_back({"./sco2//start.html", "again"});
    EXPECT_EQ(Extract(entries), "learning.scorm.duplicate_entry");
    entries = GoodPackage();
    entries.push_back({"glossary.pdf/inside", "a file under a file"});
    EXPECT_EQ(Extract(entries), "learning.scorm.duplicate_entry");
}

TEST_F(ScormZip, AZipBombIsStoppedByItsRatio) {
    auto entries = GoodPackage();
    entries.push_back({"bomb.bin", "", AE_IFREG, "", false, 50u << 20});
    EXPECT_EQ(Extract(entries), "learning.scorm.zip_bomb");
    // Written bytes are what counts, whatever the header says.
    PackageLimits small;
    small.max_entry_bytes = 1 << 20;
    small.max_ratio = 1e9;
    EXPECT_EQ(Extract(entries, small), "learning.scorm.entry_too_large");
    small.max_entry_bytes = 512u << 20;
    small.max_total_bytes = 2 << 20;
    EXPECT_EQ(Extract(entries, small), "learning.scorm.too_large");
}

TEST_F(ScormZip, TooManyEntriesAreRefused) {
    auto entries = GoodPackage();
    for (int i = 0; i < 30; ++i) entries.push_back({"f" + std::to_string(i) + ".txt", "x"});
    PackageLimits limits;
    limits.max_entries = 20;
    EXPECT_EQ(Extract(entries, limits), "learning.scorm.too_many_entries");
    limits.max_entries = 40;
    EXPECT_EQ(Extract(entries, limits), "");
}

TEST_F(ScormZip, TheManifestMustBeAtTheRoot) {
    EXPECT_EQ(Extract({{"index.html", kPage}}), "learning.scorm.no_manifest");
    std::vector<Entry> nested;
    for (auto e : GoodPackage()) {
        e.name = "My Course/" + e.name;
        nested.push_back(e);
    }
    WriteZip(zip(), nested);
    try {
        ExtractPackage(zip().string(), dest().string(), {});
        ADD_FAILURE() << "a manifest in a folder was accepted";
    } catch (const ScormPackageError& e) {
        EXPECT_EQ(e.key, "learning.scorm.manifest_in_subfolder");
        EXPECT_EQ(e.name, "My Course");
    }
    EXPECT_FALSE(fs::exists(dest()));
}

TEST_F(ScormZip, EveryLaunchFileMustBeInThePackage) {
    auto entries = GoodPackage();
    entries.erase(entries.begin() + 3);  // sco2/start.html
    WriteZip(zip(), entries);
    try {
        ExtractPackage(zip().string(), dest().string(), {});
        ADD_FAILURE() << "a missing launch file was accepted";
    } catch (const ScormPackageError& e) {
        EXPECT_EQ(e.key, "learning.scorm.missing_launch_file");
        EXPECT_EQ(e.name, "sco2/start.html");
    }
    EXPECT_FALSE(fs::exists(dest()));
    // A bad manifest is refused the same way, and its key is the manifest's.
    entries = GoodPackage();
    entries[0].data = Replace(kMulti2004, "identifierref=\"R2\"", "identifierref=\"NONE\"");
    EXPECT_EQ(Extract(entries), "learning.scorm.unresolved_reference");
}

TEST_F(ScormZip, PercentEncodedLaunchNamesFindTheirFile) {
    auto entries = GoodPackage();
    entries[0].data =
        Replace(kMulti2004, "href=\"sco1/index.html\"", "href=\"sco1/%E0%B8%9A%E0%B8%97 1.html\"");
    entries.push_back({"sco1/บท 1.html", kPage});
    EXPECT_EQ(Extract(entries), "");
}

TEST_F(ScormZip, OtherFormatsAreNotZips) {
    std::ofstream(zip()) << "this is a text file, not a zip";
    EXPECT_EQ(KeyOf([&] { ExtractPackage(zip().string(), dest().string(), {}); }),
              "learning.scorm.not_zip");
    // A tar archive is refused too: only zip is enabled.
    archive* a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    archive_write_open_filename(a, zip().c_str());
    archive_entry* en = archive_entry_new();
    archive_entry_set_pathname(en, "imsmanifest.xml");
    archive_entry_set_filetype(en, AE_IFREG);
    archive_entry_set_size(en, static_cast<la_int64_t>(kSingle12.size()));
    archive_write_header(a, en);
    archive_write_data(a, kSingle12.data(), kSingle12.size());
    archive_entry_free(en);
    archive_write_close(a);
    archive_write_free(a);
    EXPECT_EQ(KeyOf([&] { ExtractPackage(zip().string(), dest().string(), {}); }),
              "learning.scorm.not_zip");
    EXPECT_FALSE(fs::exists(dest()));
}

// ---------------------------------------------------------------- the demo package

TEST(ScormDemoPackage, TheScriptBuildsAThaiScorm2004PackageWithTwoScos) {
    TempDir tmp;
    const fs::path out = tmp.path() / "demo.zip";
    const std::string cmd = "python3 '" + std::string(GOVHUB_SOURCE_DIR) +
                            "/scripts/make-demo-scorm.py' '" + out.string() + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    auto m = ExtractPackage(out.string(), (tmp.path() / "demo").string(), {});
    EXPECT_EQ(m.version, ScormVersion::k2004);
    EXPECT_EQ(m.title, "ความปลอดภัยไซเบอร์เบื้องต้น");
    EXPECT_FALSE(m.declares_sequencing);
    EXPECT_TRUE(m.warnings.empty());
    auto launch = m.Launchable();
    ASSERT_EQ(launch.size(), 2u);
    EXPECT_TRUE(launch[0]->is_sco);
    EXPECT_TRUE(launch[1]->is_sco);
    EXPECT_FALSE(launch[0]->scaled_passing_score);
    ASSERT_TRUE(launch[1]->scaled_passing_score);
    EXPECT_GT(*launch[1]->scaled_passing_score, 0);
    for (const auto* item : launch)
        EXPECT_TRUE(fs::is_regular_file(tmp.path() / "demo" / item->href)) << item->href;
}

}  // namespace
}  // namespace govhub::learning
