#include "suites/common/tamper.h"

#include <gtest/gtest.h>

namespace parity::suites {
namespace {

TEST(Tamper, FlipBitFlipsExactlyOneBit) {
  const Bytes b = {0x00, 0xff, 0x10};
  EXPECT_EQ(flip_bit(b, 0), (Bytes{0x01, 0xff, 0x10}));
  EXPECT_EQ(flip_bit(b, 15), (Bytes{0x00, 0x7f, 0x10}));
  EXPECT_EQ(flip_bit(b, 20), (Bytes{0x00, 0xff, 0x00}));
  EXPECT_EQ(flip_bit(b, 24), b);  // past the end: unchanged
}

TEST(Tamper, TruncatedExtendedSpliced) {
  const Bytes a = {1, 2, 3, 4};
  const Bytes z = {9, 8, 7, 6, 5};
  EXPECT_EQ(truncated(a, 0), Bytes{});
  EXPECT_EQ(truncated(a, 2), (Bytes{1, 2}));
  EXPECT_EQ(truncated(a, 10), a);
  EXPECT_EQ(extended(a, Bytes{0}), (Bytes{1, 2, 3, 4, 0}));
  EXPECT_EQ(spliced(a, z, 2), (Bytes{1, 2, 7, 6, 5}));
  EXPECT_EQ(spliced(z, a, 3), (Bytes{9, 8, 7, 4}));
  EXPECT_EQ(spliced(a, z, 0), z);
  EXPECT_EQ(spliced(a, z, 9), a);  // a cut past both: the head only
}

TEST(Tamper, CutPointsAreInsideAndCoverBothEnds) {
  EXPECT_TRUE(cut_points(1, 8).empty());
  EXPECT_TRUE(cut_points(100, 0).empty());
  const auto c = cut_points(100, 8);
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c.front(), 1u);
  EXPECT_EQ(c.back(), 99u);
  EXPECT_TRUE(std::is_sorted(c.begin(), c.end()));
  EXPECT_EQ(std::adjacent_find(c.begin(), c.end()), c.end());
  const auto small = cut_points(3, 8);
  EXPECT_EQ(small, (std::vector<size_t>{1, 2}));
}

TEST(Tamper, FirstDifference) {
  EXPECT_EQ(first_difference(Bytes{1, 2}, Bytes{1, 2}), std::nullopt);
  EXPECT_EQ(first_difference(Bytes{1, 2}, Bytes{1, 3}), 1u);
  EXPECT_EQ(first_difference(Bytes{1, 2}, Bytes{1, 2, 3}), 2u);
}

TEST(Tamper, FindRange) {
  const std::vector<NamedRange> ranges = {{"identity", 0, 3}, {"signature", 6, 10}};
  ASSERT_NE(find_range(ranges, "signature"), nullptr);
  EXPECT_EQ(find_range(ranges, "signature")->start, 6u);
  EXPECT_EQ(find_range(ranges, "signed_prekey"), nullptr);
}

}  // namespace
}  // namespace parity::suites
