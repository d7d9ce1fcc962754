#include "core/vault.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace govhub::core {
namespace {

namespace fs = std::filesystem;

// Two fixed versions: the tests' hashes do not depend on random keys.
constexpr const char* kTwoVersions =
    "# test ring\n"
    "v1 2026-01-01 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= "
    "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\n"
    "\n"
    "v2 2026-06-01 AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI= "
    "AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM=\n";

class VaultFileTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("govhub-vault-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        file_ = (dir_ / "secrets" / "vault.keys").string();
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string ReadAll() {
        std::ifstream in(file_);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    fs::path dir_;
    std::string file_;
};

TEST(Vault, HashIsKeyedVersionedAndBoundToItsPurpose) {
    auto v = Vault::FromText(kTwoVersions);
    std::string h = v->Hash("learning.cid", "1101112345679");
    ASSERT_EQ(h.size(), 3 + 64u);
    EXPECT_EQ(h.substr(0, 3), "v2$");
    EXPECT_EQ(h, v->Hash("learning.cid", "1101112345679"));  // deterministic: usable as a key
    EXPECT_NE(h, v->Hash("learning.cid", "1101112345687"));
    EXPECT_NE(h, v->Hash("workflow.cid", "1101112345679"));
    // The purpose and value are separated: ("a", "bc") is not ("ab", "c").
    EXPECT_NE(v->Hash("a", "bc"), v->Hash("ab", "c"));
    // Another site's keys give another hash: a stolen database alone cannot be enumerated.
    auto other = Vault::FromText(
        "v2 2026-06-01 BAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ= "
        "AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM=\n");
    EXPECT_NE(h, other->Hash("learning.cid", "1101112345679"));
    // Not a plain SHA or BLAKE2b of the number.
    EXPECT_EQ(h.find("1101112345679"), std::string::npos);
}

TEST(Vault, LookupHashesCoverEveryVersionCurrentFirst) {
    auto v = Vault::FromText(kTwoVersions);
    auto hashes = v->LookupHashes("learning.cid", "1101112345679");
    ASSERT_EQ(hashes.size(), 2u);
    EXPECT_EQ(hashes[0], v->Hash("learning.cid", "1101112345679"));
    EXPECT_EQ(hashes[1].substr(0, 3), "v1$");
    // What a v1-only site stored is found by the two-version site.
    auto old_site = Vault::FromText(
        "v1 2026-01-01 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= "
        "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\n");
    EXPECT_EQ(hashes[1], old_site->Hash("learning.cid", "1101112345679"));
    EXPECT_FALSE(v->IsCurrent(hashes[1]));
    EXPECT_TRUE(v->IsCurrent(hashes[0]));
}

TEST(Vault, SealOpensOnlyWithTheSamePurposeAndUnchanged) {
    auto v = Vault::FromText(kTwoVersions);
    std::string s = v->Seal("workflow.officer_membership.citizen_id", "1101112345679");
    EXPECT_EQ(s.substr(0, 3), "v2$");
    EXPECT_EQ(s.find("1101112345679"), std::string::npos);
    // A fresh nonce each time: equal numbers do not give equal sealed values.
    EXPECT_NE(s, v->Seal("workflow.officer_membership.citizen_id", "1101112345679"));
    EXPECT_EQ(v->Open("workflow.officer_membership.citizen_id", s), "1101112345679");
    EXPECT_EQ(v->Open("workflow.other.citizen_id", s), std::nullopt);
    // Every byte of the box is checked.
    std::string changed = s;
    changed[10] = changed[10] == 'A' ? 'B' : 'A';
    EXPECT_EQ(v->Open("workflow.officer_membership.citizen_id", changed), std::nullopt);
    EXPECT_EQ(v->Open("workflow.officer_membership.citizen_id", s.substr(0, s.size() - 4)),
              std::nullopt);
    // Thai text and the empty string survive.
    EXPECT_EQ(v->Open("p", v->Seal("p", "นายสมชาย")), "นายสมชาย");
    EXPECT_EQ(v->Open("p", v->Seal("p", "")), "");
}

TEST(Vault, OpenRefusesMalformedAndUnknownVersions) {
    auto v = Vault::FromText(kTwoVersions);
    const std::vector<std::string> bad_values = {"",
                                                 "1101112345679",
                                                 "v$abc",
                                                 "v2",
                                                 "v2$",
                                                 "v2$!!!!",
                                                 "v0$AAAA",
                                                 "x2$AAAA",
                                                 "v2$AAAA",
                                                 "v1234567$AAAA",
                                                 "v9$" + v->Seal("p", "x").substr(3),
                                                 std::string(kVaultMaxSealed + 1, 'A')};
    for (const std::string& bad : bad_values)
        EXPECT_EQ(v->Open("p", bad), std::nullopt) << bad.substr(0, 40);
    EXPECT_FALSE(Vault::LooksSealed("1101112345679"));
    EXPECT_TRUE(Vault::LooksSealed("v12$anything"));
    EXPECT_EQ(Vault::VersionOf("v12$x"), 12);
    EXPECT_EQ(Vault::VersionOf("v$x"), 0);
}

TEST(Vault, InputBoundsAreProgrammingErrors) {
    auto v = Vault::FromText(kTwoVersions);
    EXPECT_THROW(v->Seal("", "x"), std::invalid_argument);
    EXPECT_THROW(v->Hash(std::string("a\0b", 3), "x"), std::invalid_argument);
    EXPECT_THROW(v->Hash(std::string(kVaultMaxPurpose + 1, 'p'), "x"), std::invalid_argument);
    EXPECT_THROW(v->Seal("p", std::string(kVaultMaxValue + 1, 'x')), std::length_error);
    EXPECT_NO_THROW(v->Seal("p", std::string(kVaultMaxValue, 'x')));
}

TEST(Vault, KeyTextIsCheckedLineByLine) {
    auto throws_with = [](const std::string& text, const std::string& what) {
        try {
            ParseVaultKeys(text);
            ADD_FAILURE() << "accepted: " << text;
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
            // A key is never quoted back in the message.
            EXPECT_EQ(std::string(e.what()).find("AAAAAAAA"), std::string::npos) << e.what();
        }
    };
    const std::string k = " AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    throws_with("", "no key version");
    throws_with("# only a comment\n", "no key version");
    throws_with("v1 2026-01-01" + k + "\n", "line 1");
    throws_with("\nv0 2026-01-01" + k + k, "line 2: a version");
    throws_with("v1 2026-1-1" + k + k, "date");
    throws_with("v1 2026-01-01 AAAA" + k, "32 bytes");
    throws_with("v1 2026-01-01" + k + k + "\nv1 2026-01-02" + k + k, "v1 twice");
    throws_with(std::string(kVaultMaxText + 1, '#'), "64 KiB");
    std::string many;
    for (int i = 1; i <= 101; ++i) many += "v" + std::to_string(i) + " 2026-01-01" + k + k + "\n";
    throws_with(many, "100 versions");
    // Out of order in the text, in order in the ring; the highest is current.
    auto ring = ParseVaultKeys("v3 2026-01-01" + k + k + "\nv1 2026-01-01" + k + k);
    ASSERT_EQ(ring.size(), 2u);
    EXPECT_EQ(ring[0].version, 1);
    EXPECT_EQ(ring[1].version, 3);
    // The written text reads back the same.
    auto again = ParseVaultKeys(FormatVaultKeys(ring));
    EXPECT_EQ(again[1].hash_key, ring[1].hash_key);
    EXPECT_EQ(again[1].created, "2026-01-01");
}

TEST_F(VaultFileTest, FirstUseCreatesAPrivateFileWithOneVersion) {
    auto v = Vault::FromFile(file_);
    EXPECT_EQ(v->current_version(), 1);
    EXPECT_FALSE(v->from_environment());
    struct stat st {};
    ASSERT_EQ(::stat(file_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat((dir_ / "secrets").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    std::string text = ReadAll();
    EXPECT_NE(text.find("LOSING THIS FILE LOSES EVERY SEALED VALUE"), std::string::npos);
    EXPECT_NE(text.find("\nv1 "), std::string::npos);
    // A second node (or the next start) reads the same keys: what one sealed, the other opens.
    std::string sealed = v->Seal("p", "1101112345679");
    auto again = Vault::FromFile(file_);
    EXPECT_EQ(again->Open("p", sealed), "1101112345679");
    EXPECT_EQ(again->Hash("p", "x"), v->Hash("p", "x"));
}

TEST_F(VaultFileTest, RotationKeepsOldValuesReadableUntilRetired) {
    auto v = Vault::FromFile(file_);
    std::string sealed = v->Seal("p", "1101112345679");
    std::string hash = v->Hash("p", "1101112345679");
    EXPECT_EQ(v->Rotate(), 2);
    EXPECT_EQ(v->current_version(), 2);
    EXPECT_FALSE(v->IsCurrent(sealed));
    EXPECT_EQ(v->Open("p", sealed), "1101112345679");
    auto hashes = v->LookupHashes("p", "1101112345679");
    ASSERT_EQ(hashes.size(), 2u);
    EXPECT_EQ(hashes[1], hash);
    // The re-seal job's work, then the old version goes.
    std::string resealed = v->Seal("p", *v->Open("p", sealed));
    EXPECT_TRUE(v->IsCurrent(resealed));
    v->RetireBefore(2);
    EXPECT_EQ(v->versions(), std::vector<int>{2});
    EXPECT_EQ(v->Open("p", sealed), std::nullopt);
    EXPECT_EQ(v->Open("p", resealed), "1101112345679");
    // Retiring never removes the current version.
    v->RetireBefore(99);
    EXPECT_EQ(v->versions(), std::vector<int>{2});
    // The file says the same.
    EXPECT_EQ(Vault::FromFile(file_)->versions(), std::vector<int>{2});
    struct stat st {};
    ASSERT_EQ(::stat(file_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(VaultFileTest, AnotherNodeSeesARotationWithinASecond) {
    auto a = Vault::FromFile(file_);
    auto b = Vault::FromFile(file_);
    a->Rotate();
    std::string sealed = a->Seal("p", "x");
    // b looks at the file at most once a second.
    for (int i = 0; i < 30 && b->current_version() != 2; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(b->current_version(), 2);
    EXPECT_EQ(b->Open("p", sealed), "x");
}

TEST_F(VaultFileTest, ABrokenFileIsRefusedAtStartButNotWhileRunning) {
    auto v = Vault::FromFile(file_);
    std::string sealed = v->Seal("p", "x");
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    { std::ofstream(file_) << "v1 garbage\n"; }
    EXPECT_THROW(Vault::FromFile(file_), std::runtime_error);
    // The running node keeps the keys it has.
    EXPECT_EQ(v->Open("p", sealed), "x");
}

TEST_F(VaultFileTest, KeysFromTheEnvironmentWinAndCannotBeRotatedHere) {
    ::setenv(kVaultEnv, kTwoVersions, 1);
    auto v = Vault::Open(file_);
    ::unsetenv(kVaultEnv);
    EXPECT_TRUE(v->from_environment());
    EXPECT_EQ(v->current_version(), 2);
    EXPECT_FALSE(fs::exists(file_));  // nothing written to disk
    try {
        v->Rotate();
        ADD_FAILURE() << "rotated keys from the environment";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("GOVHUB_VAULT_KEYS"), std::string::npos);
    }
    EXPECT_THROW(v->RetireBefore(2), std::runtime_error);
    // Without the variable, the file.
    EXPECT_FALSE(Vault::Open(file_)->from_environment());
}

}  // namespace
}  // namespace govhub::core
