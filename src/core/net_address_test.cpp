#include "core/net_address.hpp"

#include <gtest/gtest.h>

namespace govhub::core {
namespace {

TEST(AddressBucket, Ipv4CountsPerAddress) {
    EXPECT_EQ(AddressBucket("192.0.2.7"), "192.0.2.7");
    EXPECT_EQ(AddressBucket("127.0.0.1"), "127.0.0.1");
}

TEST(AddressBucket, Ipv6CountsPerSlash64InAnySpelling) {
    EXPECT_EQ(AddressBucket("2001:db8:1:2:a:b:c:d"), "2001:db8:1:2::/64");
    // One /64 however its host half and its zeros are written.
    EXPECT_EQ(AddressBucket("2001:0db8:0001:0002:ffff:0:0:1"), "2001:db8:1:2::/64");
    EXPECT_EQ(AddressBucket("2001:db8:1:2::1"), "2001:db8:1:2::/64");
    EXPECT_EQ(AddressBucket("2001:DB8:1:2::99"), "2001:db8:1:2::/64");
    // The neighbouring /64 is another budget.
    EXPECT_NE(AddressBucket("2001:db8:1:3::1"), AddressBucket("2001:db8:1:2::1"));
    EXPECT_EQ(AddressBucket("2001:db8::1"), "2001:db8::/64");
    EXPECT_EQ(AddressBucket("::1"), "::/64");
    EXPECT_EQ(AddressBucket("::"), "::/64");
}

TEST(AddressBucket, ZoneIdsAndBracketsAreDropped) {
    EXPECT_EQ(AddressBucket("fe80::1%eth0"), "fe80::/64");
    EXPECT_EQ(AddressBucket("fe80::2%2"), "fe80::/64");
    EXPECT_EQ(AddressBucket("[2001:db8:1:2::5]"), "2001:db8:1:2::/64");
}

TEST(AddressBucket, MappedIpv4IsTheIpv4Address) {
    EXPECT_EQ(AddressBucket("::ffff:192.0.2.7"), "192.0.2.7");
    EXPECT_EQ(AddressBucket("::FFFF:c000:0207"), "192.0.2.7");
    EXPECT_EQ(AddressBucket("::ffff:192.0.2.8"), "192.0.2.8");  // not one bucket for all v4
}

TEST(AddressBucket, AnythingElseIsKeptAsGiven) {
    EXPECT_EQ(AddressBucket(""), "");
    EXPECT_EQ(AddressBucket("not-an-ip"), "not-an-ip");
    EXPECT_EQ(AddressBucket("2001:db8::zz"), "2001:db8::zz");
    EXPECT_EQ(AddressBucket("1:2:3:4:5:6:7:8:9"), "1:2:3:4:5:6:7:8:9");
    EXPECT_EQ(AddressBucket("%eth0"), "%eth0");
}

}  // namespace
}  // namespace govhub::core
